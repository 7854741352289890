using Sluice.Core.Loading;

namespace Sluice.Server.Loading;

/// <summary>
/// Told right after a load commits, so post-load hooks can be queued at once; the loader tells every one registered (none
/// where hooks are not dispatched). Best effort: it must not block or throw, and whoever listens must also find committed
/// loads by itself after a crash (the hook outbox polls the destinations).
/// </summary>
public interface ILoadCommittedSignal
{
    void LoadCommitted(long clientId, LoadSummary summary);
}
