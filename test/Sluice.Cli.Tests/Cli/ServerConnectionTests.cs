using Sluice.Cli.Api;

namespace Sluice.Cli.Tests.Cli;

/// <summary>Where the CLI finds the server and the token: flag, else environment variable, else the data directory's files.</summary>
public sealed class ServerConnectionTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("sluice-cli-").FullName;

    public ServerConnectionTests()
    {
        File.WriteAllText(Path.Combine(_dataDir, "server-url"), "http://127.0.0.1:7003\n");
        File.WriteAllText(Path.Combine(_dataDir, "admin-token"), "ac_fromfile\n");
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public void Resolve_FlagsEnvironmentAndFiles_FlagsWin()
    {
        var connection = ServerConnection.Resolve("http://127.0.0.1:7001", "ac_fromflag", _dataDir, Env(("SLUICE_URL", "http://127.0.0.1:7002"), ("SLUICE_TOKEN", "ac_fromenv")));

        Assert.Equal(new Uri("http://127.0.0.1:7001"), connection.BaseAddress);
        Assert.Equal("ac_fromflag", connection.Token);
        Assert.Equal("--token", connection.TokenOrigin);
    }

    [Fact]
    public void Resolve_EnvironmentAndFiles_EnvironmentWins()
    {
        var connection = ServerConnection.Resolve(null, null, _dataDir, Env(("SLUICE_URL", "http://127.0.0.1:7002"), ("SLUICE_TOKEN", "ac_fromenv")));

        Assert.Equal(new Uri("http://127.0.0.1:7002"), connection.BaseAddress);
        Assert.Equal("ac_fromenv", connection.Token);
        Assert.Equal("SLUICE_TOKEN", connection.TokenOrigin);
    }

    [Fact]
    public void Resolve_OnlyFiles_ReadsThemTrimmed()
    {
        var connection = ServerConnection.Resolve(null, null, _dataDir, Env());

        Assert.Equal(new Uri("http://127.0.0.1:7003"), connection.BaseAddress);
        Assert.Equal("ac_fromfile", connection.Token);
        Assert.Equal(Path.Combine(_dataDir, "admin-token"), connection.TokenOrigin);
    }

    [Fact]
    public void Resolve_EachValueIndependently_MixesSources()
    {
        var connection = ServerConnection.Resolve("http://127.0.0.1:7001", null, _dataDir, Env(("SLUICE_TOKEN", "ac_fromenv")));

        Assert.Equal(new Uri("http://127.0.0.1:7001"), connection.BaseAddress);
        Assert.Equal("ac_fromenv", connection.Token);
    }

    [Fact]
    public void Resolve_EmptyEnvironmentVariable_FallsThroughToFile()
    {
        var connection = ServerConnection.Resolve(null, null, _dataDir, Env(("SLUICE_URL", ""), ("SLUICE_TOKEN", "  ")));

        Assert.Equal(new Uri("http://127.0.0.1:7003"), connection.BaseAddress);
        Assert.Equal("ac_fromfile", connection.Token);
    }

    [Theory]
    [InlineData(null, null, "./sluice-data")]
    [InlineData(null, "/srv/sluice", "/srv/sluice")]
    [InlineData("/data/flag", "/srv/sluice", "/data/flag")]
    public void DataDir_FlagThenServeVariableThenDefault(string? flag, string? variable, string expected)
    {
        Assert.Equal(expected, DataDirResolver.Resolve(flag, Env(("SLUICE_Sluice__DataDir", variable))));
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.TryGetValue(name, out var value) ? value : null;
    }
}
