using Microsoft.AspNetCore.Mvc;
using Sluice.Server.Deliveries;
using Sluice.Server.Hooks;
using Sluice.Storage;

namespace Sluice.Server.Web.Pages.Hooks;

/// <summary>A hook's delivery log, newest first: status, attempts, response code, duration, next retry, payload; Replay.</summary>
public sealed class DeliveriesModel(HookService hooks) : WebPage
{
    [FromRoute]
    public long Id { get; set; }

    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public Hook Hook { get; private set; } = null!;

    public DeliveryPageResponse Deliveries { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var hook = await hooks.GetAsync(ClientId, Id, cancellationToken);
        var page = hook is null ? null : await hooks.ListDeliveriesAsync(ClientId, Id, Math.Max(1, PageNumber), cancellationToken);
        if (hook is null || page is null)
        {
            return NotFound();
        }

        Hook = hook;
        Deliveries = page;
        return Page();
    }

    /// <summary>
    /// Queues the replay, then redirects to the log's first page (post/redirect/get). The route values must not name
    /// <c>page</c>: Razor Pages reserves that key for the page's name, and an empty one answered 500 after the replay was queued.
    /// </summary>
    public async Task<IActionResult> OnPostReplayAsync(long deliveryId, CancellationToken cancellationToken)
    {
        var replay = await hooks.ReplayAsync(ClientId, Id, deliveryId, cancellationToken);
        return replay is null
            ? NotFound()
            : Done($"Queued delivery #{replay.Id}, a replay of #{deliveryId}: the same payload with a new webhook-id.", new { Id });
    }
}
