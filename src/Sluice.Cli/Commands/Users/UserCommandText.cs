using System.Text.Json.Serialization;
using Sluice.Server.Accounts;
using Sluice.Server.Hosting;

namespace Sluice.Cli.Commands.Users;

/// <summary>What the user commands share: one-line errors and the password printed once.</summary>
internal static class UserCommandText
{
    public static async Task<NewUser> RunAsync(string dataDir, Func<Task<ControlPlaneResult<NewUser>>> action)
    {
        ControlPlaneResult<NewUser> result;
        try
        {
            result = await action().ConfigureAwait(false);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new CliException($"cannot use the control plane {Path.GetFullPath(Path.Combine(dataDir, DataDirectory.ControlDbFile))}: {e.Message}", e);
        }

        return result.Succeeded ? result.Value : throw new CliException(result.Error.Message);
    }

    public static void Write(CliOutput output, NewUser user, string headline)
    {
        if (output.Json)
        {
            output.WriteJson(new UserJson(user.User.Email, user.User.AccountId, user.Password));
            return;
        }

        output.WriteLine(headline);
        output.WriteLine("Password (shown only now; store it safely):");
        output.WriteLine(user.Password);
    }

    private sealed record UserJson(
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("client_id")] long ClientId,
        [property: JsonPropertyName("password")] string Password);
}
