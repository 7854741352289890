using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Sluice.Storage;

namespace Sluice.Server.Notifications;

/// <summary>
/// An account's custom notification recipients (Connect <c>/custom-emails</c>, BEHAVIOUR.md §9): at most 10 addresses that
/// receive notification email besides the account's users; only enabled ones do.
/// </summary>
public sealed class RecipientService(IDbContextFactory<ControlDbContext> contexts, TimeProvider time)
{
    public const int MaxRecipients = 10;

    private readonly SemaphoreSlim _createLock = new(1, 1);

    public async Task<IReadOnlyList<CustomEmail>> ListAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CustomEmails.AsNoTracking().Where(c => c.AccountId == clientId).OrderBy(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The enabled addresses: where the account's notification email goes besides its users.</summary>
    public async Task<IReadOnlyList<string>> EnabledAddressesAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CustomEmails.AsNoTracking()
            .Where(c => c.AccountId == clientId && c.DisabledAt == null)
            .OrderBy(c => c.Id).Select(c => c.EmailAddress).ToListAsync(cancellationToken);
    }

    public async Task<CustomEmail?> GetAsync(long clientId, long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CustomEmails.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.AccountId == clientId, cancellationToken);
    }

    /// <summary>Adds an enabled recipient, or says (for a person to read) why not.</summary>
    public async Task<(CustomEmail? Recipient, string? Error)> AddAsync(long clientId, string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var trimmed = address.Trim();
        if (!IsValidAddress(trimmed))
        {
            return (null, $"'{address}' is not a valid email address; give one address such as name@example.com.");
        }

        await _createLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var existing = await db.CustomEmails.Where(c => c.AccountId == clientId).Select(c => c.EmailAddress).ToListAsync(cancellationToken);
            if (existing.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
            {
                return (null, $"{trimmed} is already a custom email recipient of this account.");
            }

            if (existing.Count >= MaxRecipients)
            {
                return (null, $"You have exceeded the limit of {MaxRecipients} custom email addresses; delete one before adding another.");
            }

            var recipient = new CustomEmail { AccountId = clientId, EmailAddress = trimmed, CreatedAt = ControlClock.Now(time) };
            db.CustomEmails.Add(recipient);
            await db.SaveChangesAsync(cancellationToken);
            return (recipient, null);
        }
        finally
        {
            _createLock.Release();
        }
    }

    public async Task<CustomEmail?> SetEnabledAsync(long clientId, long id, bool enable, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var recipient = await db.CustomEmails.FirstOrDefaultAsync(c => c.Id == id && c.AccountId == clientId, cancellationToken);
        if (recipient is null)
        {
            return null;
        }

        recipient.DisabledAt = enable ? null : ControlClock.Now(time);
        await db.SaveChangesAsync(cancellationToken);
        return recipient;
    }

    public async Task<CustomEmail?> DeleteAsync(long clientId, long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var recipient = await db.CustomEmails.FirstOrDefaultAsync(c => c.Id == id && c.AccountId == clientId, cancellationToken);
        if (recipient is null)
        {
            return null;
        }

        db.CustomEmails.Remove(recipient);
        await db.SaveChangesAsync(cancellationToken);
        return recipient;
    }

    /// <summary>One plain address (<c>local@domain.tld</c>), no display name, no list.</summary>
    internal static bool IsValidAddress(string address) =>
        address.Length is > 0 and <= 254
        && MailAddress.TryCreate(address, out var parsed)
        && parsed.Address == address
        && string.IsNullOrEmpty(parsed.DisplayName)
        && parsed.Host.Contains('.', StringComparison.Ordinal)
        && !parsed.Host.StartsWith('.') && !parsed.Host.EndsWith('.');
}
