using Microsoft.AspNetCore.Mvc;
using Sluice.Core.Loading;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.Loading;
using Sluice.Storage;

namespace Sluice.Server.Web.Pages.Integrations;

/// <summary>
/// One integration: webhook URLs (generate while fewer than 2, revoke with confirmation), pause/resume, delete with
/// confirmation, its table layout (table per event type, captured headers, depth limit) and a reload from the raw archive
/// with confirmation, its tables with row counts, latest loads and rejections. Another account's id answers 404.
/// </summary>
public sealed class IntegrationSettingsModel(
    SourceService sources, SourceStatsService stats, IDestinationProvider destinations, DataBrowser data, TimeProvider time) : WebPage
{
    private const int LatestCount = 10;

    [FromRoute]
    public long Id { get; set; }

    /// <summary><c>delete</c> or <c>revoke-{tokenId}</c>: which confirmation to show.</summary>
    [FromQuery]
    public string? Confirm { get; set; }

    public int MaxUrls => SourceService.MaxLiveWebhookTokens;

    public Source Source { get; private set; } = null!;

    public SourceStats Stats { get; private set; } = null!;

    public IReadOnlyList<WebhookToken> Tokens { get; private set; } = [];

    public IReadOnlyList<(TableInfo Table, long? Rows)> Tables { get; private set; } = [];

    public string? TablesError { get; private set; }

    public IReadOnlyList<LoadSummary> Loads { get; private set; } = [];

    public IReadOnlyList<object?[]> Rejections { get; private set; } = [];

    /// <summary>A URL just generated, shown in this response only.</summary>
    public string? NewUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostGenerateAsync(CancellationToken cancellationToken)
    {
        var result = await sources.CreateTokenAsync(ClientId, Id, cancellationToken);
        if (!result.Succeeded)
        {
            return result.Error.Kind == ControlPlaneErrorKind.NotFound ? NotFound() : Done(result.Error.Message, new { Id });
        }

        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        NewUrl = WebhookUrls.For(HttpContext.RequestServices, ClientId, result.Value.Token);
        return Page();
    }

    /// <summary>Saves the layout form: an empty field clears that property; a bad value keeps the old layout and says why.</summary>
    public async Task<IActionResult> OnPostLayoutAsync(string? tableFrom, string? captureHeaders, string? maxDepth, CancellationToken cancellationToken)
    {
        int? depth = null;
        if (!string.IsNullOrWhiteSpace(maxDepth))
        {
            if (!int.TryParse(maxDepth.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return Done($"Max depth '{maxDepth.Trim()}' is not a whole number; give 0 to 64, or leave it empty for no limit.", new { Id });
            }

            depth = parsed;
        }

        var headers = (captureHeaders ?? string.Empty)
            .Split(['\n', '\r', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var update = new SourceUpdate
        {
            HasTableFrom = true,
            TableFrom = string.IsNullOrWhiteSpace(tableFrom) ? null : tableFrom.Trim(),
            HasCaptureHeaders = true,
            CaptureHeaders = headers,
            HasMaxDepth = true,
            MaxDepth = depth,
        };
        var result = await sources.UpdateAsync(ClientId, Id, update, cancellationToken);
        if (!result.Succeeded)
        {
            return result.Error.Kind == ControlPlaneErrorKind.NotFound ? NotFound() : Done("Layout not saved: " + result.Error.Message, new { Id });
        }

        return Done("Saved the table layout. It applies to records loaded from now on; rebuild the tables to apply it to the raw archive.", new { Id });
    }

    /// <summary>Sets a new signing secret (the current one stays valid for a day) or, with <paramref name="remove"/>, stops checking.</summary>
    public async Task<IActionResult> OnPostSecretAsync(string? signingSecret, bool remove, CancellationToken cancellationToken)
    {
        if (!remove && string.IsNullOrWhiteSpace(signingSecret))
        {
            return Done("Secret not saved: paste the secret the provider shows.", new { Id, Confirm = (string?)null });
        }

        var update = new SourceUpdate { HasSigningSecret = true, SigningSecret = remove ? null : signingSecret!.Trim() };
        var result = await sources.UpdateAsync(ClientId, Id, update, cancellationToken);
        if (!result.Succeeded)
        {
            return result.Error.Kind == ControlPlaneErrorKind.NotFound ? NotFound() : Done("Secret not saved: " + result.Error.Message, new { Id, Confirm = (string?)null });
        }

        return Done(
            remove ? "Removed the signing secret: requests are no longer checked." : "Saved the signing secret. Requests signed with the previous one are accepted for 24 hours more.",
            new { Id, Confirm = (string?)null });
    }

    public async Task<IActionResult> OnPostReloadAsync(CancellationToken cancellationToken)
    {
        var result = await sources.RequestReloadAsync(ClientId, Id, cancellationToken);
        return result.Succeeded
            ? Done("Reload requested: the tables are rebuilt from the raw archive within a few seconds.", new { Id, Confirm = (string?)null })
            : NotFound();
    }

    public async Task<IActionResult> OnPostRevokeAsync(long tokenId, CancellationToken cancellationToken)
    {
        var result = await sources.RevokeTokenAsync(ClientId, Id, tokenId, cancellationToken);
        return result.Succeeded ? Done($"Revoked the URL ending in {result.Value.Hint}; it no longer accepts data.", new { Id, Confirm = (string?)null }) : NotFound();
    }

    public Task<IActionResult> OnPostPauseAsync(CancellationToken cancellationToken) => SetPausedAsync(true, cancellationToken);

    public Task<IActionResult> OnPostResumeAsync(CancellationToken cancellationToken) => SetPausedAsync(false, cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        var result = await sources.DeleteAsync(ClientId, Id, cancellationToken);
        if (!result.Succeeded)
        {
            return NotFound();
        }

        Flash = $"Deleted {result.Value.DisplayName}. Its tables stay in schema {result.Value.Name}.";
        return Redirect("/");
    }

    private async Task<IActionResult> SetPausedAsync(bool paused, CancellationToken cancellationToken)
    {
        var result = await sources.UpdateAsync(ClientId, Id, new SourceUpdate { Paused = paused }, cancellationToken);
        if (!result.Succeeded)
        {
            return NotFound();
        }

        return Done(paused ? $"Paused {result.Value.DisplayName}: its URLs refuse data until you resume it." : $"Resumed {result.Value.DisplayName}.", new { Id });
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(ClientId, Id, cancellationToken);
        if (!source.Succeeded || source.Value.DeletedAt is not null)
        {
            return false;
        }

        Source = source.Value;
        Stats = await stats.GetAsync(Source, cancellationToken);
        var tokens = await sources.ListTokensAsync(ClientId, Id, cancellationToken);
        Tokens = tokens.Value ?? [];

        var tables = await data.ListTablesAsync(ClientId, Source.Name, cancellationToken);
        TablesError = tables.Error;
        var counted = new List<(TableInfo, long?)>();
        foreach (var table in tables.Value ?? [])
        {
            counted.Add((table, await data.CountRowsAsync(ClientId, table, cancellationToken)));
        }

        Tables = counted;
        try
        {
            var destination = await destinations.GetAsync(ClientId, cancellationToken);
            var since = time.GetUtcNow().UtcDateTime.AddDays(-7);
            var loads = await destination.GetLoadsAsync(Source.Id, since, 100_000, cancellationToken);
            Loads = loads.Reverse().Take(LatestCount).ToList();
        }
        catch (DestinationException ex)
        {
            TablesError ??= "The destination cannot be read right now: " + ex.Message;
        }

        Rejections = await data.RecentRejectionsAsync(ClientId, Source.Name, LatestCount, cancellationToken);
        return true;
    }
}
