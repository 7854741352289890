namespace Sluice.Storage;

/// <summary>
/// A person who signs in to the web app. Belongs to one account (<see cref="AccountId"/> is its <c>client_id</c>); the
/// password is stored only as an ASP.NET Core Identity hash (PBKDF2), never in clear.
/// </summary>
public sealed class User
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>The sign-in name, stored lowercased so sign-in is case-insensitive on every provider.</summary>
    public required string Email { get; set; }

    public required string PasswordHash { get; set; }

    public DateTime CreatedAt { get; set; }
}
