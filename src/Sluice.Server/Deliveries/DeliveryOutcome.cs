using Sluice.Server.Hooks;
using Sluice.Storage;

namespace Sluice.Server.Deliveries;

/// <summary>
/// What became of one claimed delivery: an <see cref="Attempt"/> was made, or it was not sent because its hook is disabled or
/// gone (<see cref="SkipReason"/>), or the dispatcher stopped before sending (<see cref="Released"/>: due again at once).
/// </summary>
public sealed record DeliveryOutcome(Delivery Delivery, HookTarget? Hook, AttemptResult? Attempt, string? SkipReason, bool Released = false);

/// <summary>A delivery whose last attempt failed: the account's recipients are told once.</summary>
public sealed record FailedDelivery(long AccountId, long DeliveryId, string WebhookId, string HookUrl, string RootTable, string Integration, int Attempts, string LastError);
