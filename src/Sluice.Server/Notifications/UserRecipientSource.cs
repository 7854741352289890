using Microsoft.EntityFrameworkCore;
using Sluice.Storage;

namespace Sluice.Server.Notifications;

/// <summary>The account's users (web app sign-ins): every team member gets notification email (BEHAVIOUR.md §9).</summary>
public sealed class UserRecipientSource(IDbContextFactory<ControlDbContext> contexts) : INotificationRecipientSource
{
    public async Task<IReadOnlyList<string>> GetAddressesAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().Where(u => u.AccountId == clientId).OrderBy(u => u.Id).Select(u => u.Email).ToListAsync(cancellationToken);
    }
}
