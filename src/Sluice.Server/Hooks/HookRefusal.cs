namespace Sluice.Server.Hooks;

/// <summary>Why a hook operation was refused; each maps to one documented error body (<see cref="HookApiError"/>).</summary>
public enum HookRefusal
{
    None,
    InvalidBody,
    InvalidUri,
    LimitReached,
    NotFound,
}
