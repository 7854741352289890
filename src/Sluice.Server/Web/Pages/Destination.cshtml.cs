using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Sluice.Destinations.Postgres;
using Sluice.Server.Accounts;
using Sluice.Server.Destinations;
using Sluice.Storage;

namespace Sluice.Server.Web.Pages;

/// <summary>The account's one destination: embedded DuckDB by default, or PostgreSQL with Test connection (the server's exact error).</summary>
public sealed class DestinationModel(
    AccountService accounts, DestinationService destinationService, DestinationSettings settings) : WebPage
{
    [FromQuery]
    public string? Confirm { get; set; }

    [BindProperty]
    public string? Host { get; set; }

    [BindProperty]
    public string? Port { get; set; } = "5432";

    [BindProperty]
    public string? Database { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string SslMode { get; set; } = "prefer";

    public Destination? Current { get; private set; }

    public string ClientIdText => ClientId.ToString(CultureInfo.InvariantCulture);

    public string? TestMessage { get; private set; }

    public bool TestSucceeded { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadCurrentAsync(cancellationToken);
        if (Current?.Type == Destination.PostgresType)
        {
            var saved = settings.FromStoredJson(Current.ConnectionJson);
            Host = saved.Host;
            Port = saved.Port.ToString(CultureInfo.InvariantCulture);
            Database = saved.Database;
            Username = saved.Username;
            SslMode = saved.SslMode;
        }
    }

    public async Task<IActionResult> OnPostTestAsync(CancellationToken cancellationToken)
    {
        await LoadCurrentAsync(cancellationToken);
        var (input, error) = PostgresConnectionInput.Read(ConnectionJson(), SavedPostgres());
        if (input is null)
        {
            return Tested(false, error!);
        }

        var test = await PostgresDestination.TestConnectionAsync(input, cancellationToken);
        return Tested(test.Succeeded, test.Succeeded ? $"Connected to {input.Host}:{input.Port}/{input.Database} as {input.Username}." : test.Message);
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        await LoadCurrentAsync(cancellationToken);
        var result = Current?.Type == Destination.PostgresType
            ? await destinationService.UpdateAsync(ClientId, Current.Id, null, ConnectionJson(), cancellationToken)
            : await destinationService.CreatePostgresAsync(ClientId, null, ConnectionJson(), cancellationToken);
        if (!result.Succeeded)
        {
            return Tested(false, result.Error.Message);
        }

        return Done($"Saved: new loads go to PostgreSQL at {Host}.");
    }

    public async Task<IActionResult> OnPostUseDuckDbAsync(CancellationToken cancellationToken)
    {
        await LoadCurrentAsync(cancellationToken);
        if (Current?.Type != Destination.PostgresType)
        {
            return Done("The embedded DuckDB destination is already in use.");
        }

        var result = await destinationService.DeleteAsync(ClientId, Current.Id, cancellationToken);
        return Done(result.Succeeded ? "New loads go to the embedded DuckDB file again." : result.Error.Message);
    }

    private IActionResult Tested(bool succeeded, string message)
    {
        // The form comes back with what was typed (the password too, so Save can follow Test); never cached.
        Response.Headers.CacheControl = "no-store";
        TestSucceeded = succeeded;
        TestMessage = succeeded ? message : "Could not connect: " + message;
        if (!succeeded)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    private async Task LoadCurrentAsync(CancellationToken cancellationToken) =>
        Current = (await accounts.ListDestinationsAsync(ClientId, cancellationToken)).FirstOrDefault();

    private PostgresConnectionSettings? SavedPostgres() =>
        Current?.Type == Destination.PostgresType ? settings.FromStoredJson(Current.ConnectionJson) : null;

    /// <summary>The form as the API's <c>connection</c> object; an empty password is left out (keeps the saved one).</summary>
    private JsonElement ConnectionJson()
    {
        var connection = new Dictionary<string, string?>
        {
            ["host"] = Host?.Trim(),
            ["port"] = string.IsNullOrWhiteSpace(Port) ? null : Port.Trim(),
            ["database"] = Database?.Trim(),
            ["username"] = Username?.Trim(),
            ["sslmode"] = SslMode,
        };
        if (!string.IsNullOrEmpty(Password))
        {
            connection["password"] = Password;
        }

        return JsonSerializer.SerializeToElement(connection);
    }
}
