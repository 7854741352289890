using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Server.Accounts;
using Sluice.Storage;
using Sluice.Testing;

namespace Sluice.Reliability.Tests.Isolation;

/// <summary>
/// One in-process server (every role) with three accounts, each owning an object of every kind: a generic source with a
/// primary key and a branded (GitHub) source, two webhook URLs, an extra API token, a destination (alpha and bravo on their
/// embedded DuckDB file, charlie on a real PostgreSQL database), a hook that accepts and one that always fails (so the
/// delivery log has a succeeded and a failed delivery with attempts, and the failure left an in-app notification), a custom
/// email recipient and a web user. Every name an account owns contains its marker, so its data can be found in anyone's
/// answer. Alpha is the caller of the sweeps; bravo and charlie are the accounts it must not reach.
/// </summary>
public sealed class TenantWorld : IAsyncLifetime
{
    public const string HooksPath = "notifications/public/v1/api/hooks";
    public const string RecipientsPath = "notifications/public/v1/api/custom-emails";

    public PostgresServer Postgres { get; } = new();

    public HookReceiver Receiver { get; private set; } = null!;

    public SluiceServer Server { get; private set; } = null!;

    public Tenant Alpha { get; private set; } = null!;

    public Tenant Bravo { get; private set; } = null!;

    public Tenant Charlie { get; private set; } = null!;

    public IReadOnlyList<Tenant> Victims => [Bravo, Charlie];

    /// <summary>The database charlie's PostgreSQL destination loads into.</summary>
    public string CharlieDatabase { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await Postgres.InitializeAsync();
        Receiver = await HookReceiver.StartAsync();
        Server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Loading:Interval"] = "00:00:00.200",
            ["Hooks:AllowPrivateNetworks"] = "true",
            ["Hooks:TrustedCertificatePath"] = Receiver.CertificatePath,
            ["Hooks:RetryDelays:0"] = "00:00:00.100",
        });

        // Alpha is account 1 with the first user (admin@localhost), as a first start makes them.
        Alpha = new Tenant("alphaiso", Server.ClientId, Server.AdminToken, Server.Api)
        {
            UserEmail = UserService.FirstUserEmail,
            UserPassword = (await File.ReadAllTextAsync(Path.Combine(Server.DataDir, "admin-password"))).Trim(),
        };
        var bravo = await Server.CreateAccountAsync();
        Bravo = new Tenant("bravoiso", bravo.ClientId, bravo.Token, bravo.Api);
        var charlie = await Server.CreateAccountAsync();
        Charlie = new Tenant("charlieiso", charlie.ClientId, charlie.Token, charlie.Api) { Postgres = true };
        CharlieDatabase = await Postgres.CreateDatabaseAsync("sluice_iso");

        await Task.WhenAll(PopulateAsync(Alpha), PopulateAsync(Bravo), PopulateAsync(Charlie));
    }

    /// <summary>The connection object of a PostgreSQL destination on <paramref name="database"/> of the test server.</summary>
    public object PostgresConnection(string database) => new
    {
        host = Postgres.Host,
        port = Postgres.Port,
        username = Postgres.Username,
        password = Postgres.Password,
        database,
        sslmode = "disable",
    };

    private async Task PopulateAsync(Tenant tenant)
    {
        var api = tenant.Api;
        var m = tenant.Marker;
        tenant.Add(ObjectKind.Account, tenant.ClientId);

        if (tenant.Postgres)
        {
            var created = await HttpCall.PostAsync(api, "v4/destinations", new { type = "postgres", name = m + " warehouse", connection = PostgresConnection(CharlieDatabase) });
            tenant.Add(ObjectKind.Destination, created.AssertOk().Json.GetProperty("id").GetInt64());
        }
        else
        {
            var list = await HttpCall.GetAsync(api, "v4/destinations");
            tenant.Add(ObjectKind.Destination, list.AssertOk().Json[0].GetProperty("id").GetInt64());
        }

        var source = await Server.CreateSourceAsync(api, m + " Shop", primaryKey: "id");
        tenant.Add(ObjectKind.Source, source.Id);
        tenant.Schemas.Add(source.Name);
        tenant.WebhookUrl = source.WebhookUrl;
        var branded = await HttpCall.PostAsync(api, "v4/sources", new
        {
            display_name = m + " GitHub",
            type = "webhook.github",
            properties = new { signing_secret = m + "-secret" },
        });
        var brandedJson = branded.AssertOk().Json;
        tenant.Add(ObjectKind.Source, brandedJson.GetProperty("id").GetInt64());
        tenant.Schemas.Add(brandedJson.GetProperty("name").GetString()!);

        foreach (var sourceId in tenant.Of(ObjectKind.Source))
        {
            (await HttpCall.PostAsync(api, $"v4/sources/{sourceId}/tokens")).AssertOk();
            var tokens = (await HttpCall.GetAsync(api, $"v4/sources/{sourceId}/tokens")).AssertOk().Json;
            foreach (var token in tokens.EnumerateArray())
            {
                tenant.Add(ObjectKind.WebhookToken, token.GetProperty("id").GetInt64());
            }
        }

        var apiToken = await HttpCall.PostAsync(api, "v4/tokens", new { name = m + " token" });
        tenant.Add(ObjectKind.ApiToken, apiToken.AssertOk().Json.GetProperty("id").GetInt64());

        foreach (var path in new[] { "ok", "fail" })
        {
            Receiver.AnswerAlways($"/{m}/{path}", path == "ok" ? HookAnswer.Ok : HookAnswer.ServerError);
            var hook = await HttpCall.PostAsync(api, HooksPath, new
            {
                type = "post_load",
                destination_id = tenant.DestinationId,
                config = new { url = Receiver.Url($"{m}/{path}") },
            });
            tenant.Add(ObjectKind.Hook, hook.AssertOk().Json.GetProperty("id").GetInt64());
        }

        var recipient = await HttpCall.PostAsync(api, RecipientsPath, new { email_address = tenant.RecipientEmail });
        tenant.Add(ObjectKind.Recipient, recipient.AssertOk().Json.GetProperty("id").GetInt64());

        if (tenant != Alpha)
        {
            var user = await Server.GetService<UserService>().AddAsync(m + "-user@example.com", tenant.ClientId, CancellationToken.None);
            Assert.True(user.Succeeded, user.Error?.Message);
            tenant.UserEmail = user.Value.User.Email;
            tenant.UserPassword = user.Value.Password;
        }

        // A load: rows in the warehouse, then one delivery per hook (the failing one fails for good after its one retry,
        // which leaves an in-app notification).
        using (var ingest = await Server.Anonymous.PostAsync(
            tenant.WebhookUrl, new StringContent($$"""[{"id":1,"owner":"{{m}}"},{"id":2,"owner":"{{m}}"}]""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(ingest.IsSuccessStatusCode, $"ingest for {m}: {(int)ingest.StatusCode}");
        }

        foreach (var hookId in tenant.Of(ObjectKind.Hook))
        {
            var deliveries = await HttpCall.WaitForAsync(
                () => HttpCall.GetAsync(api, $"{HooksPath}/{hookId}/deliveries"),
                c => c.Status == System.Net.HttpStatusCode.OK && c.Json.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("status").GetString() != "pending"),
                $"{m}: a completed delivery of hook {hookId}");
            foreach (var delivery in deliveries.Json.GetProperty("deliveries").EnumerateArray())
            {
                tenant.Add(ObjectKind.Delivery, delivery.GetProperty("id").GetInt64());
            }
        }

        var notifications = await HttpCall.WaitForAsync(
            () => HttpCall.GetAsync(api, "v4/notifications"),
            c => c.Status == System.Net.HttpStatusCode.OK && c.Json.GetArrayLength() > 0,
            $"{m}: an in-app notification of the failed delivery");
        foreach (var notification in notifications.Json.EnumerateArray())
        {
            tenant.Add(ObjectKind.Notification, notification.GetProperty("id").GetInt64());
        }

        var rows = await HttpCall.PostAsync(api, "v4/query", new { sql = $"SELECT count(*) FROM {tenant.Schemas[0]}.data" });
        Assert.Equal(2, rows.AssertOk().Json.GetProperty("rows")[0][0].GetInt64());
    }

    /// <summary>
    /// What <paramref name="tenant"/> sees of itself through its own token (every list and object, its delivery log, its
    /// loads and rows), plus its rows in the control plane (users included), as one text per item. Two snapshots are equal
    /// when nothing of the account changed.
    /// </summary>
    public async Task<SortedDictionary<string, string>> SnapshotAsync(Tenant tenant)
    {
        var api = tenant.Api;
        var paths = new List<string>
        {
            "v4/sources", "v4/destinations", "v4/tokens", "v4/notifications?all=true", $"v4/{tenant.ClientId}/loads", HooksPath, RecipientsPath,
        };
        paths.AddRange(tenant.Of(ObjectKind.Source).SelectMany(id => new[] { $"v4/sources/{id}", $"v4/sources/{id}/tokens", $"v4/sources/{id}/stats" }));
        paths.Add($"v4/destinations/{tenant.DestinationId}");
        paths.AddRange(tenant.Of(ObjectKind.Hook).SelectMany(id => new[] { $"{HooksPath}/{id}", $"{HooksPath}/{id}/deliveries" }));
        paths.AddRange(tenant.Of(ObjectKind.Recipient).Select(id => $"{RecipientsPath}/{id}"));

        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var call = await HttpCall.GetAsync(api, path);
            snapshot["GET " + path] = $"{(int)call.Status} {call.Body}";
        }

        foreach (var schema in tenant.Schemas)
        {
            var sql = $"SELECT count(*), max(_sdc_sequence), string_agg(CAST(id AS VARCHAR), ',' ORDER BY id) FROM {schema}.data";
            var call = await HttpCall.PostAsync(api, "v4/query", new { sql });
            snapshot["rows " + schema] = $"{(int)call.Status} {call.Body}";
        }

        await using var db = await Server.GetService<IDbContextFactory<ControlDbContext>>().CreateDbContextAsync();
        var id = tenant.ClientId;
        var sourceIds = await db.Sources.Where(s => s.AccountId == id).Select(s => s.Id).ToListAsync();
        var deliveryIds = await db.Deliveries.Where(d => d.AccountId == id).Select(d => d.Id).ToListAsync();
        Add(snapshot, "db users", await db.Users.AsNoTracking().Where(u => u.AccountId == id).OrderBy(u => u.Id).ToListAsync());
        Add(snapshot, "db sources", await db.Sources.AsNoTracking().Where(s => s.AccountId == id).OrderBy(s => s.Id).ToListAsync());
        Add(snapshot, "db webhook tokens", await db.WebhookTokens.AsNoTracking().Where(t => sourceIds.Contains(t.SourceId)).OrderBy(t => t.Id).ToListAsync());
        Add(snapshot, "db api tokens", await db.ApiTokens.AsNoTracking().Where(t => t.AccountId == id).OrderBy(t => t.Id).ToListAsync());
        Add(snapshot, "db destinations", await db.Destinations.AsNoTracking().Where(d => d.AccountId == id).OrderBy(d => d.Id).ToListAsync());
        Add(snapshot, "db hooks", await db.Hooks.AsNoTracking().Where(h => h.AccountId == id).OrderBy(h => h.Id).ToListAsync());
        Add(snapshot, "db custom emails", await db.CustomEmails.AsNoTracking().Where(c => c.AccountId == id).OrderBy(c => c.Id).ToListAsync());
        Add(snapshot, "db notifications", await db.Notifications.AsNoTracking().Where(n => n.AccountId == id).OrderBy(n => n.Id).ToListAsync());
        Add(snapshot, "db deliveries", await db.Deliveries.AsNoTracking().Where(d => d.AccountId == id).OrderBy(d => d.Id).ToListAsync());
        Add(snapshot, "db delivery attempts", await db.DeliveryAttempts.AsNoTracking().Where(a => deliveryIds.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync());
        foreach (var path in new[] { "ok", "fail" })
        {
            snapshot["receiver " + path] = Receiver.Count($"/{tenant.Marker}/{path}").ToString(CultureInfo.InvariantCulture);
        }

        return snapshot;
    }

    /// <summary>The items of <paramref name="after"/> that differ from <paramref name="before"/>, described for a failure message.</summary>
    public static List<string> Differences(SortedDictionary<string, string> before, SortedDictionary<string, string> after) =>
        before.Keys.Union(after.Keys)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}: was {Short(before.GetValueOrDefault(k))} now {Short(after.GetValueOrDefault(k))}")
            .ToList();

    private static string Short(string? text) => text is null ? "(none)" : text.Length > 300 ? text[..300] + "..." : text;

    private static void Add<T>(SortedDictionary<string, string> snapshot, string key, List<T> rows) =>
        snapshot[key] = JsonSerializer.Serialize(rows);

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TenantWorldCollection : ICollectionFixture<TenantWorld>
{
    public const string Name = "Tenant world";
}
