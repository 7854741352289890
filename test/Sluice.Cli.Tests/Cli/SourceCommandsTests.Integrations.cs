namespace Sluice.Cli.Tests.Cli;

public sealed partial class SourceCommandsTests
{
    [Fact]
    public async Task CreateWithType_ThenSecretFromTheEnvironment_RotatesAndClears_NeverPrintsTheSecret()
    {
        var created = await fixture.RunAsync("sources", "create", "GitHub " + Guid.NewGuid().ToString("N")[..6], "--type", "github", "--json");
        Assert.Equal(0, created.ExitCode);
        var source = created.Json();
        Assert.Equal("webhook.github", source.GetProperty("type").GetString());
        Assert.Equal("header:X-GitHub-Event", source.GetProperty("properties").GetProperty("table_from").GetString());
        Assert.False(source.GetProperty("signing_secret_set").GetBoolean());
        var id = source.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var missing = (await fixture.RunAsync("sources", "secret", id)).AssertOneLineError(1);
        Assert.Contains("SLUICE_SIGNING_SECRET", missing, StringComparison.Ordinal);

        Dictionary<string, string?> Env(string secret) => new() { ["SLUICE_SIGNING_SECRET"] = secret };
        var first = await CliRunner.RunAsync(Env("first-webhook-secret"), "sources", "secret", id, "--data-dir", fixture.Server.DataDir);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("checked with it", first.Out, StringComparison.Ordinal);
        var second = await CliRunner.RunAsync(Env("second-webhook-secret"), "sources", "secret", id, "--data-dir", fixture.Server.DataDir);
        Assert.Contains("previous one are accepted until", second.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("webhook-secret", first.Out + second.Out, StringComparison.Ordinal);

        var cleared = await fixture.RunAsync("sources", "secret", id, "--clear", "--json");
        Assert.Equal(0, cleared.ExitCode);
        Assert.False(cleared.Json().GetProperty("signing_secret_set").GetBoolean());

        var zapier = await fixture.RunAsync("sources", "create", "Zap " + Guid.NewGuid().ToString("N")[..6], "--type", "zapier", "--signing-secret", "abc");
        Assert.Contains("does not sign its requests", zapier.AssertOneLineError(1), StringComparison.Ordinal);
    }
}
