using Microsoft.AspNetCore.DataProtection;

namespace Sluice.Server.Hooks;

/// <summary>
/// Encrypts hook signing secrets at rest with ASP.NET Core Data Protection (keys in <c>&lt;data-dir&gt;/keys</c>). The secret
/// is encrypted, not hashed, because every delivery must be signed with it.
/// </summary>
public sealed class HookSecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Sluice.Hooks.Secret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
