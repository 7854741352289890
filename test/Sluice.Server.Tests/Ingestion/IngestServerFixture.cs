using Sluice.Core.Buffering;
using Sluice.Server.Buffering;
using Sluice.Testing;

namespace Sluice.Server.Tests.Ingestion;

/// <summary>One real server for the ingest HTTP tests (benchmark endpoint on); each test makes its own source.</summary>
public sealed class IngestServerFixture : IAsyncLifetime
{
    public SluiceServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?> { ["Sluice:EnableBenchmarkEndpoint"] = "true" });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Everything the buffer holds for <paramref name="sourceId"/>, in sequence order.</summary>
    public async Task<IReadOnlyList<BufferedRecord>> StoredAsync(long sourceId) =>
        await Server.GetService<IRecordBuffer>().ReadAsync(sourceId, 0, 100_000, long.MaxValue, CancellationToken.None);
}
