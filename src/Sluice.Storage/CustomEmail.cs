namespace Sluice.Storage;

/// <summary>
/// A recipient of the account's notification email besides its users (Connect <c>/custom-emails</c>, BEHAVIOUR.md §9);
/// at most 10 per account, only enabled ones receive mail.
/// </summary>
public sealed class CustomEmail
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string EmailAddress { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Null while enabled.</summary>
    public DateTime? DisabledAt { get; set; }
}
