namespace Sluice.Reliability.Tests.Isolation;

/// <summary>The kinds of objects an account owns that a route or a form can name by id.</summary>
public enum ObjectKind
{
    Account,
    Source,
    WebhookToken,
    ApiToken,
    Destination,
    Hook,
    Delivery,
    Recipient,
    Notification,
    Table,
}

/// <summary>
/// One account of the isolation world with an object of every kind: its ids (to put into another account's requests), its
/// marker (a word in every name it owns, to find its data in someone else's answers) and its own credentials.
/// </summary>
public sealed class Tenant(string marker, long clientId, string token, HttpClient api)
{
    public string Marker { get; } = marker;

    public long ClientId { get; } = clientId;

    public string Token { get; } = token;

    /// <summary>Sends this account's own bearer token.</summary>
    public HttpClient Api { get; } = api;

    public Dictionary<ObjectKind, List<long>> Ids { get; } = [];

    /// <summary>The generic source's schema (<c>&lt;marker&gt;_shop</c>) and the branded one's.</summary>
    public List<string> Schemas { get; } = [];

    public string WebhookUrl { get; set; } = string.Empty;

    public long DestinationId => Ids[ObjectKind.Destination][0];

    public bool Postgres { get; set; }

    public string UserEmail { get; set; } = string.Empty;

    public string UserPassword { get; set; } = string.Empty;

    public string RecipientEmail => Marker + "@example.com";

    public void Add(ObjectKind kind, long id)
    {
        if (!Ids.TryGetValue(kind, out var list))
        {
            Ids[kind] = list = [];
        }

        list.Add(id);
    }

    public IReadOnlyList<long> Of(ObjectKind kind) =>
        kind == ObjectKind.Account ? [ClientId] : Ids.TryGetValue(kind, out var list) ? list : throw new KeyNotFoundException($"{Marker} has no {kind}.");

    /// <summary>The values of <paramref name="kind"/> as a URL or a form carries them (tables as <c>schema.table</c>).</summary>
    public IReadOnlyList<string> Values(ObjectKind kind) =>
        kind == ObjectKind.Table
            ? Schemas.Select(s => s + ".data").ToList()
            : Of(kind).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public override string ToString() => $"{Marker} (client {ClientId})";
}
