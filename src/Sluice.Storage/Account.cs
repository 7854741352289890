namespace Sluice.Storage;

/// <summary>A tenant. Its <see cref="Id"/> is the <c>client_id</c> in webhook URLs and API paths.</summary>
public sealed class Account
{
    public long Id { get; set; }

    public DateTime CreatedAt { get; set; }
}
