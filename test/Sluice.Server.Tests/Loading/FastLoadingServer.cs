using Sluice.Testing;

namespace Sluice.Server.Tests.Loading;

/// <summary>One server for a test class, loading 200 ms after a record arrives; each test makes its own sources.</summary>
public sealed class FastLoadingServer : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Loading:Interval"] = "00:00:00.2",
        ["Loading:PollInterval"] = "00:00:00.05",
    };

    public SluiceServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SluiceServer.StartAsync(settings: Settings);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
