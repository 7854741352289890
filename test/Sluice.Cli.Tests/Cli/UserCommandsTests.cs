using Sluice.Server.Accounts;
using Sluice.Storage;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Cli;

/// <summary><c>sluice users add|reset-password</c> on a data directory, and the first user a first start creates.</summary>
public sealed class UserCommandsTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-cli-users-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task UsersAdd_NewEmail_PrintsAPasswordThatSignsIn()
    {
        (await CliRunner.RunAsync("accounts", "create", "--data-dir", dataDir)).AssertSuccess();
        (await CliRunner.RunAsync("accounts", "create", "--data-dir", dataDir)).AssertSuccess();

        var result = await CliRunner.RunAsync("users", "add", "Ana@Example.com", "--client-id", "2", "--data-dir", dataDir, "--json");

        result.AssertSuccess();
        var json = result.Json();
        Assert.Equal("ana@example.com", json.GetProperty("email").GetString());
        Assert.Equal(2, json.GetProperty("client_id").GetInt64());
        var password = json.GetProperty("password").GetString()!;
        var user = await Users().VerifyAsync("ANA@example.com", password, CancellationToken.None);
        Assert.Equal(2, user?.AccountId);
        Assert.Null(await Users().VerifyAsync("ana@example.com", password + "x", CancellationToken.None));
        Assert.DoesNotContain(password, await File.ReadAllTextAsync(Path.Combine(dataDir, "control.db")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersResetPassword_ExistingUser_OldPasswordStopsWorking()
    {
        (await CliRunner.RunAsync("accounts", "create", "--data-dir", dataDir)).AssertSuccess();
        var added = await CliRunner.RunAsync("users", "add", "ben@example.com", "--data-dir", dataDir, "--json");
        var old = added.Json().GetProperty("password").GetString()!;

        var reset = await CliRunner.RunAsync("users", "reset-password", "ben@example.com", "--data-dir", dataDir);

        reset.AssertSuccess();
        Assert.StartsWith("New password for ben@example.com", reset.Out, StringComparison.Ordinal);
        var fresh = reset.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.Null(await Users().VerifyAsync("ben@example.com", old, CancellationToken.None));
        Assert.NotNull(await Users().VerifyAsync("ben@example.com", fresh, CancellationToken.None));
    }

    [Fact]
    public async Task UsersAdd_DuplicateUnknownAccountOrBadEmail_OneLineErrors()
    {
        (await CliRunner.RunAsync("accounts", "create", "--data-dir", dataDir)).AssertSuccess();
        (await CliRunner.RunAsync("users", "add", "cy@example.com", "--data-dir", dataDir)).AssertSuccess();

        var duplicate = (await CliRunner.RunAsync("users", "add", "cy@example.com", "--data-dir", dataDir)).AssertOneLineError(1);
        var unknownAccount = (await CliRunner.RunAsync("users", "add", "dee@example.com", "--client-id", "9", "--data-dir", dataDir)).AssertOneLineError(1);
        var badEmail = (await CliRunner.RunAsync("users", "add", "not an email", "--data-dir", dataDir)).AssertOneLineError(1);
        var unknownUser = (await CliRunner.RunAsync("users", "reset-password", "nobody@example.com", "--data-dir", dataDir)).AssertOneLineError(1);

        Assert.Contains("exists already", duplicate, StringComparison.Ordinal);
        Assert.Contains("Account 9 does not exist", unknownAccount, StringComparison.Ordinal);
        Assert.Contains("not a valid email address", badEmail, StringComparison.Ordinal);
        Assert.Contains("No user nobody@example.com", unknownUser, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_FirstStart_CreatesAdminUserWithPasswordInPrivateFile()
    {
        await using var server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?> { ["Sluice:DataDir"] = dataDir });

        var path = Path.Combine(dataDir, "admin-password");
        var password = (await File.ReadAllTextAsync(path)).Trim();
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var user = await server.GetService<UserService>().VerifyAsync(UserService.FirstUserEmail, password, CancellationToken.None);
        Assert.Equal(1, user?.AccountId);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        SluiceServer.TryDelete(dataDir);
    }

    private UserService Users() =>
        new(new ControlDbContextFactory(new ControlPlaneOptions(), Path.Combine(dataDir, "control.db")), TimeProvider.System);
}
