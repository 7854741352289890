using System.Net.Mail;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>
/// Web app users: created by the first start and by <c>sluice users add</c>, signed in by the web app. Passwords are hashed
/// with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2) and shown only when generated.
/// </summary>
public sealed class UserService(IDbContextFactory<ControlDbContext> contexts, TimeProvider time)
{
    /// <summary>The user the first start creates.</summary>
    public const string FirstUserEmail = "admin@localhost";

    public const int GeneratedPasswordLength = 20;

    private const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private static readonly PasswordHasher<User> Hasher = new();

    // A hash to verify against when the email is unknown, so the answer takes as long as for a known one.
    private static readonly string DummyHash = Hasher.HashPassword(new User { Email = "-", PasswordHash = "-" }, "not a password");

    /// <summary>Creates a user of account <paramref name="clientId"/> with a new random password, returned only here.</summary>
    public async Task<ControlPlaneResult<NewUser>> AddAsync(string email, long clientId, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        if (ValidateEmail(normalized) is { } error)
        {
            return ControlPlaneError.BadRequest(error);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Accounts.AnyAsync(a => a.Id == clientId, cancellationToken))
        {
            return ControlPlaneError.NotFound($"Account {clientId} does not exist; create it with 'sluice accounts create'.");
        }

        if (await db.Users.AnyAsync(u => u.Email == normalized, cancellationToken))
        {
            return ControlPlaneError.Conflict($"A user {normalized} exists already; use 'sluice users reset-password {normalized}' for a new password.");
        }

        var password = NewPassword();
        var user = new User { AccountId = clientId, Email = normalized, PasswordHash = string.Empty, CreatedAt = ControlClock.Now(time) };
        user.PasswordHash = Hasher.HashPassword(user, password);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return ControlPlaneError.Conflict($"A user {normalized} exists already.");
        }

        return new NewUser(user, password);
    }

    /// <summary>Gives the user a new random password (returned only here); the old one stops working at once.</summary>
    public async Task<ControlPlaneResult<NewUser>> ResetPasswordAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            return ControlPlaneError.NotFound($"No user {normalized}; add one with 'sluice users add {normalized}'.");
        }

        var password = NewPassword();
        user.PasswordHash = Hasher.HashPassword(user, password);
        await db.SaveChangesAsync(cancellationToken);
        return new NewUser(user, password);
    }

    /// <summary>The user whose email and password these are, or null (unknown email and wrong password look alike).</summary>
    public async Task<User?> VerifyAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            Hasher.VerifyHashedPassword(new User { Email = normalized, PasswordHash = DummyHash }, DummyHash, password ?? string.Empty);
            return null;
        }

        return Hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? string.Empty) == PasswordVerificationResult.Failed ? null : user;
    }

    /// <summary>A user by id, still of <paramref name="clientId"/>: a session whose user is gone (or moved) ends.</summary>
    public async Task<User?> GetAsync(long userId, long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.AccountId == clientId, cancellationToken);
    }

    /// <summary>
    /// On a start with no user at all (a fresh data directory, or one from before the web app), creates
    /// <see cref="FirstUserEmail"/> for the oldest account. Null when there are users already or no account yet.
    /// </summary>
    public async Task<NewUser?> CreateFirstUserAsync(CancellationToken cancellationToken)
    {
        long clientId;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Users.AnyAsync(cancellationToken))
            {
                return null;
            }

            var oldest = await db.Accounts.OrderBy(a => a.Id).Select(a => (long?)a.Id).FirstOrDefaultAsync(cancellationToken);
            if (oldest is null)
            {
                return null;
            }

            clientId = oldest.Value;
        }

        var created = await AddAsync(FirstUserEmail, clientId, cancellationToken);
        return created.Value;
    }

    internal static string Normalize(string? email) => (email ?? string.Empty).Trim().ToLowerInvariant();

    /// <summary>One plain address such as <c>ana@example.com</c> (<c>admin@localhost</c> too: a host without a dot is fine).</summary>
    internal static string? ValidateEmail(string email) =>
        email.Length is > 0 and <= 320
        && MailAddress.TryCreate(email, out var parsed)
        && string.Equals(parsed.Address, email, StringComparison.OrdinalIgnoreCase)
        && string.IsNullOrEmpty(parsed.DisplayName)
            ? null
            : $"'{email}' is not a valid email address; give one address such as ana@example.com.";

    private static string NewPassword() => RandomNumberGenerator.GetString(PasswordAlphabet, GeneratedPasswordLength);
}
