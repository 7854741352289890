using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Destinations;

/// <summary>
/// <c>sluice destinations set-postgres --host H [--port P] --user U [--password W] --database D [--sslmode M]</c>:
/// the server checks the connection before it saves it.
/// </summary>
public sealed class SetPostgresDestinationCommand : ApiCommand
{
    private readonly Option<string> _host = new("--host") { Description = "PostgreSQL host name or address.", Required = true };
    private readonly Option<int> _port = new("--port") { Description = "PostgreSQL port.", DefaultValueFactory = _ => 5432 };
    private readonly Option<string> _user = new("--user") { Description = "User that owns the schemas Sluice creates.", Required = true };
    private readonly Option<string?> _password = new("--password") { Description = "Password of the user (default: $PGPASSWORD). Stored encrypted by the server, never shown again." };
    private readonly Option<string> _database = new("--database") { Description = "Database to load into.", Required = true };

    private readonly Option<string> _sslMode = new("--sslmode")
    {
        Description = "TLS mode.",
        DefaultValueFactory = _ => "prefer",
    };

    public SetPostgresDestinationCommand(CliEnvironment env)
        : base("set-postgres", "Load into your own PostgreSQL database instead of the embedded DuckDB file.", env)
    {
        _sslMode.AcceptOnlyFromAmong("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
        Options.Add(_host);
        Options.Add(_port);
        Options.Add(_user);
        Options.Add(_password);
        Options.Add(_database);
        Options.Add(_sslMode);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var connection = new JsonObject
        {
            ["host"] = parseResult.GetRequiredValue(_host),
            ["port"] = parseResult.GetValue(_port),
            ["username"] = parseResult.GetRequiredValue(_user),
            ["database"] = parseResult.GetRequiredValue(_database),
            ["sslmode"] = parseResult.GetValue(_sslMode),
        };

        // Without --password, PGPASSWORD as libpq does; without either, a PUT keeps the stored password.
        var password = parseResult.GetValue(_password) ?? Environment.GetVariable("PGPASSWORD");
        if (password is not null)
        {
            connection["password"] = password;
        }

        // One destination per account: POST replaces the embedded DuckDB default, PUT changes an existing PostgreSQL one.
        var current = await api.GetAsync("v4/destinations", cancellationToken).ConfigureAwait(false);
        var postgres = current.Items().FirstOrDefault(d => d.Text("type") == "postgres");
        try
        {
            return postgres.ValueKind == JsonValueKind.Object
                ? await api.PutAsync($"v4/destinations/{postgres.Text("id")}", new JsonObject { ["type"] = "postgres", ["connection"] = connection }, cancellationToken).ConfigureAwait(false)
                : await api.PostAsync("v4/destinations", new JsonObject { ["type"] = "postgres", ["connection"] = connection }, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e) when (password is null && IsAboutCredentials(e.Message))
        {
            // The server's check failed on the password this command did not send: say how to send one.
            throw new CliException(e.Message + "; no password was given: pass --password or set PGPASSWORD", e);
        }
    }

    private static bool IsAboutCredentials(string message) =>
        message.Contains("password", StringComparison.OrdinalIgnoreCase) || message.Contains("credentials", StringComparison.OrdinalIgnoreCase);

    protected override void WriteText(JsonElement destination, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Destination {destination.Text("id")} is now PostgreSQL {parseResult.GetValue(_user)}@{parseResult.GetValue(_host)}:{parseResult.GetValue(_port)}/{parseResult.GetValue(_database)}.");
    }
}
