namespace Sluice.Cli.Tests.Cli;

public sealed class ParsingTests
{
    [Fact]
    public async Task Help_Root_ListsEveryCommandGroup()
    {
        var result = await CliRunner.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "serve", "accounts", "tokens", "sources", "destinations", "query" })
        {
            Assert.Contains(command, result.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("sources create", "Required argument missing", "sluice sources create --help")]
    [InlineData("sources urls revoke 1 abc", "error: TOKEN_ID must be a whole number, got 'abc' (", "sluice sources urls revoke --help")]
    [InlineData("sources stats abc", "error: ID must be a whole number, got 'abc' (", "sluice sources stats --help")]
    [InlineData("sources stats 99999999999999999999", "ID must be a whole number from -9223372036854775808 to 9223372036854775807, got '99999999999999999999'", "sluice sources stats --help")]
    [InlineData("hooks deliveries 1 --page two", "--page must be a whole number, got 'two'", "sluice hooks deliveries --help")]
    [InlineData("frobnicate", "error: unknown command or argument 'frobnicate' (", "sluice --help")]
    [InlineData("sorces list", "error: unknown command or argument 'sorces'. Did you mean 'sources'? (", "sluice --help")]
    [InlineData("sources lsit", "unknown command or argument 'lsit'. Did you mean 'list'?", "sluice sources --help")]
    [InlineData("sources list --jsno", "unknown command or argument '--jsno'. Did you mean '--json'?", "sluice sources list --help")]
    [InlineData("sources list --colour", "unknown command or argument '--colour'", "sluice sources list --help")]
    [InlineData("destinations set-postgres --host db", "Option '--user' is required", "sluice destinations set-postgres --help")]
    [InlineData("destinations set-postgres --host db --user u --password p --database d --sslmode maybe", "maybe", "sluice destinations set-postgres --help")]
    public async Task Run_InvalidCommandLine_ExitsTwoWithOneLineSayingWhereToLook(string commandLine, string expected, string help)
    {
        var result = await CliRunner.RunAsync(commandLine.Split(' '));

        var line = result.AssertOneLineError(SluiceCli.UsageError);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.EndsWith($"(see '{help}')", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_KnownFlagsAndConfigurationKeys_PassToTheHostUnchanged()
    {
        var root = SluiceCli.CreateRootCommand(new CliEnvironment(TextWriter.Null, TextWriter.Null, _ => null));
        var parseResult = root.Parse(["serve", "--urls", "http://127.0.0.1:0", "--data-dir", "/tmp/d", "--Loading:Interval=00:00:01", "--public-base-url", "https://hooks.example.com"]);

        Assert.Empty(parseResult.Errors);
        var serve = Assert.IsType<Sluice.Cli.Commands.ServeCommand>(parseResult.CommandResult.Command);
        Assert.Equal(
            ["--urls", "http://127.0.0.1:0", "--data-dir", "/tmp/d", "--public-base-url", "https://hooks.example.com", "--Loading:Interval=00:00:01"],
            serve.ServerArgs(parseResult));
    }

    [Fact]
    public void Serve_NoFlags_PassesNothingSoAppSettingsAndEnvironmentApply()
    {
        var root = SluiceCli.CreateRootCommand(new CliEnvironment(TextWriter.Null, TextWriter.Null, _ => null));
        var parseResult = root.Parse(["serve"]);

        var serve = Assert.IsType<Sluice.Cli.Commands.ServeCommand>(parseResult.CommandResult.Command);
        Assert.Empty(serve.ServerArgs(parseResult));
    }
}
