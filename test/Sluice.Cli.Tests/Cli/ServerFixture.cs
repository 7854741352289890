using Sluice.Testing;

namespace Sluice.Cli.Tests.Cli;

/// <summary>One real server per test class; each test makes its own sources so tests do not see each other's.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public SluiceServer Server { get; private set; } = null!;

    /// <summary>The server's base URL as the CLI prints it: no trailing slash.</summary>
    public string Url => Server.BaseAddress.GetLeftPart(UriPartial.Authority);

    public async Task InitializeAsync() => Server = await SluiceServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Runs a command the way a user on the server's machine would: URL and token from the data directory.</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, "--data-dir", Server.DataDir]);
}
