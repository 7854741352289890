namespace Sluice.Server.Deliveries;

/// <summary>A hook URL that resolves only to addresses the outbound guard refuses (SSRF); its message is the attempt's error.</summary>
public sealed class HookAddressRefusedException : Exception
{
    /// <summary>
    /// True when the host resolved only to refused addresses: waiting does not change that, so the delivery fails at once
    /// rather than retry. False when it resolved to nothing (DNS may answer later).
    /// </summary>
    public bool Permanent { get; init; }

    public HookAddressRefusedException()
    {
    }

    public HookAddressRefusedException(string message)
        : base(message)
    {
    }

    public HookAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
