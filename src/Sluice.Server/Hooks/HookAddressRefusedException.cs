namespace Sluice.Server.Hooks;

/// <summary>A hook URL that resolves only to addresses the outbound guard refuses (SSRF); its message is the attempt's error.</summary>
public sealed class HookAddressRefusedException : Exception
{
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
