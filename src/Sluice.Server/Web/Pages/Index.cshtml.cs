using Microsoft.AspNetCore.Mvc;
using Sluice.Server.Loading;
using Sluice.Server.Sources;
using Sluice.Storage;

namespace Sluice.Server.Web.Pages;

/// <summary>
/// One row per integration with the dashboard figures of BEHAVIOUR.md §8, and the account's charts of the last 24 hours. The
/// page polls its <c>?handler=Live</c> fragment (the same parts, rendered alone) to update itself without a reload.
/// </summary>
public sealed class DashboardModel(SourceService sources, SourceStatsService stats, ActivityService activity) : WebPage
{
    public IReadOnlyList<DashboardRow> Rows { get; private set; } = [];

    public Activity Activity { get; private set; } = null!;

    /// <summary>Why the destination cannot be read, when it cannot (the figures come from the control plane meanwhile).</summary>
    public string? DestinationError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>The live parts alone, for the page's poll.</summary>
    public async Task<IActionResult> OnGetLiveAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Response.Headers.CacheControl = "no-store";
        return Partial("_DashboardLive", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var rows = new List<DashboardRow>();
        var list = await sources.ListAsync(ClientId, cancellationToken);
        foreach (var source in list)
        {
            rows.Add(new DashboardRow(source, await stats.GetAsync(source, cancellationToken)));
        }

        Rows = rows;
        DestinationError = rows.Select(r => r.Stats.DestinationError).FirstOrDefault(e => e is not null);
        Activity = await activity.GetAsync(ClientId, list, null, cancellationToken);
    }
}

public sealed record DashboardRow(Source Source, SourceStats Stats);
