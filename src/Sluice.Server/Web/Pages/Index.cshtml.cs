using Sluice.Server.Accounts;
using Sluice.Server.Loading;
using Sluice.Storage;

namespace Sluice.Server.Web.Pages;

/// <summary>One row per integration with the dashboard figures of BEHAVIOUR.md §8.</summary>
public sealed class DashboardModel(SourceService sources, SourceStatsService stats) : WebPage
{
    public IReadOnlyList<DashboardRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var rows = new List<DashboardRow>();
        foreach (var source in await sources.ListAsync(ClientId, cancellationToken))
        {
            rows.Add(new DashboardRow(source, await stats.GetAsync(source, cancellationToken)));
        }

        Rows = rows;
    }
}

public sealed record DashboardRow(Source Source, SourceStats Stats);
