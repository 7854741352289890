using Sluice.Server.Hooks;

namespace Sluice.Server.Deliveries;

/// <summary>Why a hook operation was refused; each maps to one documented error body (<see cref="HookApiError"/>).</summary>
public enum HookRefusal
{
    None,
    InvalidBody,
    InvalidUri,
    LimitReached,
    NotFound,
}
