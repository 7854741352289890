using Sluice.Core.Loading;

namespace Sluice.Server.Loading;

/// <summary>The signal when nothing listens (hooks not registered).</summary>
public sealed class NoLoadCommittedSignal : ILoadCommittedSignal
{
    public void LoadCommitted(long clientId, LoadSummary summary)
    {
    }
}
