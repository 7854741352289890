using Microsoft.Extensions.DependencyInjection;
using Sluice.Server.Loading;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

public sealed class LoadIdSourceTests
{
    [Fact]
    public async Task Load_InjectedIdSource_GivesTheGeneratedPrimaryKeys()
    {
        await using var server = await SluiceServer.StartAsync(
            builder => builder.Services.AddSingleton<ILoadIdSource>(new CountingLoadIds()), FastLoadingServer.Settings);
        var source = await server.CreateSourceAsync(server.Api, "Counted");

        await PostAsync(server.Anonymous, source.WebhookUrl, """{"event":"a"}""");

        var rows = await WaitForRowsAsync(server.Api, "SELECT event, __sdc_primary_key FROM counted.data", 1);
        Assert.Equal("a", rows[0][0]);
        Assert.StartsWith("00000000-0000-0000-0000-", rows[0][1], StringComparison.Ordinal);
    }

    /// <summary>Guids 1, 2, 3 ... in their last bytes, so every id the loader makes is recognisable.</summary>
    private sealed class CountingLoadIds : ILoadIdSource
    {
        private long _next;

        public Guid NewGuid() => Guid.Parse($"00000000-0000-0000-0000-{Interlocked.Increment(ref _next):x12}");
    }
}
