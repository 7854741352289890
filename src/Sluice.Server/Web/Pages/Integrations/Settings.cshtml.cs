using Microsoft.AspNetCore.Mvc;
using Sluice.Core.Loading;
using Sluice.Server.Accounts;
using Sluice.Server.Destinations;
using Sluice.Server.Loading;
using Sluice.Server.Sources;
using Sluice.Storage;

namespace Sluice.Server.Web.Pages.Integrations;

/// <summary>
/// One integration: webhook URLs (generate while fewer than 2, revoke with confirmation), pause/resume, delete with
/// confirmation, its table layout (table per event type, captured headers, depth limit) and a reload from the raw archive
/// with confirmation, its tables with row counts, latest loads and rejections; its charts of the last 24 hours, the last raw
/// events received (secret headers masked) and the newest rows of each table, which the page keeps up to date by polling its
/// <c>?handler=Live</c> fragment. Another account's id answers 404.
/// </summary>
public sealed class IntegrationSettingsModel(
    SourceService sources, SourceStatsService stats, IDestinationProvider destinations, DataBrowser data, ActivityService activity, RecentEvents recent, TimeProvider time)
    : WebPage
{
    private const int LatestCount = 10;

    /// <summary>Rows shown per table in the sample of what arrived.</summary>
    public const int SampleRows = 5;

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

    public Activity Activity { get; private set; } = null!;

    /// <summary>The last raw records received, newest first; null on a buffer that cannot read them.</summary>
    public IReadOnlyList<RawEvent>? RecentEvents { get; private set; }

    /// <summary>Per table (not <c>_sdc_rejected</c>), its newest <see cref="SampleRows"/> rows, or why they cannot be read.</summary>
    public IReadOnlyList<(TableInfo Table, DataResult<QueryResult> Rows)> NewestRows { get; private set; } = [];

    /// <summary>A URL just generated, shown in this response only.</summary>
    public string? NewUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    /// <summary>The live parts alone, for the page's poll; 404 once the integration is gone (the poll stops).</summary>
    public async Task<IActionResult> OnGetLiveAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        return Partial("_IntegrationLive", this);
    }

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

    /// <summary>The first <see cref="SampleRows"/> rows with the record's own columns first and the <c>_sdc_</c> ones after them.</summary>
    private static QueryResult DataFirst(QueryResult result)
    {
        var order = Enumerable.Range(0, result.Columns.Count)
            .OrderBy(i => result.Columns[i].Name.StartsWith("_sdc_", StringComparison.Ordinal) || result.Columns[i].Name.StartsWith("__sdc_", StringComparison.Ordinal) ? 1 : 0)
            .ToArray();
        return result with
        {
            Columns = order.Select(i => result.Columns[i]).ToList(),
            Rows = result.Rows.Take(SampleRows).Select(row => order.Select(i => row[i]).ToArray()).ToList(),
        };
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
        var newest = new List<(TableInfo, DataResult<QueryResult>)>();
        foreach (var table in (tables.Value ?? []).Where(t => t.Name != LoadSql.RejectedTable && !t.Name.StartsWith("_sluice_", StringComparison.Ordinal)))
        {
            var rows = await data.PreviewAsync(ClientId, table, cancellationToken);
            newest.Add((table, rows.Value is { } r ? rows with { Value = DataFirst(r) } : rows));
        }

        NewestRows = newest;
        Activity = await activity.GetAsync(ClientId, [Source], Source.Id, cancellationToken);
        RecentEvents = await recent.GetAsync(Source.Id, cancellationToken);
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
