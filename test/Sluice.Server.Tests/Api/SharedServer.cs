using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

/// <summary>One server per test class; each test makes its own account on it, so tests stay independent but start fast.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    public SluiceServer Instance { get; private set; } = null!;

    public async Task InitializeAsync() => Instance = await SluiceServer.StartAsync();

    public async Task DisposeAsync() => await Instance.DisposeAsync();
}
