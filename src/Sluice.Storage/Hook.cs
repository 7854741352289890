namespace Sluice.Storage;

/// <summary>
/// A post-load hook of an account: after every load into <see cref="DestinationId"/>, each root table's summary is POSTed
/// to <see cref="Url"/> (BEHAVIOUR.md §6, §7). At most 10 per account.
/// </summary>
public sealed class Hook
{
    public const string PostLoadType = "post_load";

    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>The destination whose loads trigger the hook; deleting the destination deletes its hooks.</summary>
    public long DestinationId { get; set; }

    /// <summary>Always <see cref="PostLoadType"/>.</summary>
    public required string Type { get; set; }

    public required string Url { get; set; }

    /// <summary>
    /// The Standard Webhooks signing secret (<c>whsec_...</c>), protected with ASP.NET Core Data Protection. Unlike API and
    /// webhook tokens it cannot be hashed: every delivery is signed with it, so it must be recoverable.
    /// </summary>
    public required string ProtectedSecret { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ModifiedAt { get; set; }

    /// <summary>Null while enabled.</summary>
    public DateTime? DisabledAt { get; set; }
}
