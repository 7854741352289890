using System.Net;
using System.Text;

namespace Sluice.Reliability.Tests.Isolation;

/// <summary>
/// Part 4 of issue 19, the API: every route of the running app (read from its endpoint data source, so a new route is swept
/// without being listed) is called with alpha's token and bravo's or charlie's ids in its parameters; each answer must be
/// 404 and name nothing of theirs, lists must hold none of their objects, and afterwards everything bravo and charlie see of
/// themselves through their own tokens (and their control-plane rows) must be as before.
/// </summary>
[Collection(TenantWorldCollection.Name)]
public sealed class ApiIsolationTests(TenantWorld world)
{
    /// <summary>Routes that are not the account-scoped API, each with why it needs no sweep with another account's ids.</summary>
    internal static readonly IReadOnlyDictionary<string, string> AccountIndependent = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/healthz"] = "liveness: says only that the process is up, holds no account data",
        ["/readyz"] = "readiness: the state of the shared stores, no account data",
        ["/metrics"] = "Prometheus counters of the whole process, no ids or names of any account (kept off public networks)",
        ["/web/site.css"] = "the web app's static stylesheet",
        ["/favicon.svg"] = "the web app's static icon",
        ["/favicon.ico"] = "the same icon where browsers look without a <link>",
        ["/v1/clients/{client_id}/token/{token}"] =
            "ingest: authorised by its own secret webhook token, not by an API token; swept by IngestUrl_OtherClientsId_IsNotFound",
    };

    /// <summary>Route prefixes that are not the account-scoped API (the reference's page and assets have several routes), with why.</summary>
    internal static readonly IReadOnlyDictionary<string, string> AccountIndependentPrefixes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/openapi/"] = "the OpenAPI document: the same public description of the routes for everyone, no account data (ApiReferenceTests)",
        ["/docs/api"] = "the Scalar reference page and its bundled scripts: static, no account data",
    };

    /// <summary>
    /// Routes without parameters that write: the body each gets (carrying the victim's ids where the body can name an
    /// object) and the statuses allowed, or null with why it is not called.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, (Func<Tenant, object>? Body, HttpStatusCode[] Allowed, string Why)> Writes =
        new Dictionary<string, (Func<Tenant, object>?, HttpStatusCode[], string)>(StringComparer.Ordinal)
        {
            ["POST /v4/sources"] = (
                v => new { display_name = "alphaiso intruder", type = "webhook.incoming-webhook", destination_id = v.DestinationId },
                [HttpStatusCode.BadRequest], "a source of the caller on the victim's destination must be refused"),
            ["POST /notifications/public/v1/api/hooks"] = (
                v => new { type = "post_load", destination_id = v.DestinationId, config = new { url = "https://hooks.example.com/alphaiso" } },
                [HttpStatusCode.BadRequest], "a hook of the caller on the victim's destination must be refused"),
            ["POST /v4/query"] = (
                v => new { sql = $"SELECT * FROM {v.Schemas[0]}.data" },
                [HttpStatusCode.BadRequest], "the victim's schema is not in the caller's warehouse (the error may repeat the name the caller gave)"),
            ["POST /v4/tokens"] = (
                _ => new { name = "alphaiso sweep" },
                [HttpStatusCode.OK], "creates a token of the caller; the body names no object"),
            ["POST /notifications/public/v1/api/custom-emails"] = (
                v => new { email_address = $"alphaiso-sweep-{v.ClientId}@example.com" },
                [HttpStatusCode.OK], "adds a recipient of the caller; the body names no object"),
            ["POST /v4/destinations"] = (
                null, [], "not called: the body holds connection credentials and no id, and it would replace the caller's destination"),
            ["POST /v4/backup"] = (
                null, [], "not called: the operator's backup holds every account's data by design, and only account 1 (alpha here) may take one; " +
                "Sluice.Cli.Tests' BackupRestoreTests check that another account's token is refused"),
        };

    /// <summary>Bodies for routes with parameters, valid enough that only the lookup of the id can refuse them.</summary>
    private static readonly IReadOnlyDictionary<string, object> Bodies = new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["PUT /v4/sources/{id:long}"] = new { display_name = "alphaiso hijacked", paused = true },
        ["PUT /v4/destinations/{id:long}"] = new { name = "alphaiso hijacked" },
        ["PUT /notifications/public/v1/api/hooks/{id}"] = new { enable = false },
        ["PUT /notifications/public/v1/api/custom-emails/{id}"] = new { enable = false },
    };

    [Fact]
    public async Task EveryRoute_OtherAccountsIds_AreNotFoundAndChangeNothing()
    {
        var routes = RouteCatalog.All(world.Server).Where(r => !r.IsPage).ToList();
        var failures = new List<string>();
        var swept = 0;
        foreach (var victim in world.Victims)
        {
            var before = await world.SnapshotAsync(victim);
            foreach (var route in routes.OrderBy(r => r.Pattern, StringComparer.Ordinal))
            {
                if (AccountIndependent.ContainsKey(route.Pattern)
                    || AccountIndependentPrefixes.Keys.Any(p => route.Pattern.StartsWith(p, StringComparison.Ordinal)))
                {
                    continue;
                }

                if (!route.Pattern.StartsWith("/v4", StringComparison.Ordinal) && !route.Pattern.StartsWith("/notifications/", StringComparison.Ordinal))
                {
                    failures.Add($"{route.Pattern} ({string.Join(",", route.Methods)}) is neither the API nor a page nor listed as account-independent: classify it in {nameof(AccountIndependent)}.");
                    continue;
                }

                foreach (var method in route.Methods)
                {
                    swept++;
                    failures.AddRange(await SweepAsync(route, method, victim));
                }

                var after = await world.SnapshotAsync(victim);
                foreach (var difference in TenantWorld.Differences(before, after))
                {
                    failures.Add($"{route.Pattern} with alpha's token changed {victim}: {difference}");
                }

                before = after;
            }
        }

        Assert.True(swept >= 30, $"Only {swept} route methods were swept; the endpoint data source was not read?");
        Assert.True(failures.Count == 0, $"{failures.Count} isolation failure(s) in {swept} route methods per victim:\n" + string.Join("\n", failures));
    }

    private async Task<List<string>> SweepAsync(SweptRoute route, string method, Tenant victim)
    {
        var failures = new List<string>();
        var key = $"{method} {route.Pattern}";
        if (route.Parameters.FirstOrDefault(p => p.Kind is null) is { } unknown)
        {
            return [$"{key}: parameter '{unknown.Key}' names nothing known; add it to {nameof(RouteCatalog)}.{nameof(RouteCatalog.ParameterKinds)}."];
        }

        if (route.Parameters.Count == 0)
        {
            if (method == "GET")
            {
                var list = await HttpCall.GetAsync(world.Alpha.Api, route.Pattern);
                if (list.Status != HttpStatusCode.OK || Mentions(list.Body, victim))
                {
                    failures.Add($"{list}: a list of the caller must answer 200 and hold nothing of {victim}.");
                }

                return failures;
            }

            if (!Writes.TryGetValue(key, out var write))
            {
                return [$"{key}: a write without parameters that the sweep does not know; add it to {nameof(Writes)} with a body that names the victim's ids."];
            }

            if (write.Body is null)
            {
                return failures;
            }

            var call = await HttpCall.SendAsync(world.Alpha.Api, new HttpMethod(method), route.Pattern, write.Body(victim));
            var echoes = key == "POST /v4/query";
            if (!write.Allowed.Contains(call.Status) || (!echoes && Mentions(call.Body, victim)) || call.Body.Contains("owner", StringComparison.Ordinal))
            {
                failures.Add($"{call}: expected {string.Join(" or ", write.Allowed.Select(s => (int)s))} ({write.Why}) and nothing of {victim}.");
            }

            return failures;
        }

        // Another account's id must be answered exactly as an id that exists nowhere.
        var nowhere = await HttpCall.SendAsync(
            world.Alpha.Api, new HttpMethod(method), route.Path(route.Parameters.ToDictionary(p => p.Name, _ => UnknownId)), Bodies.GetValueOrDefault(key));
        if (!IsNotFound(nowhere))
        {
            failures.Add($"{nowhere}: an id that exists nowhere must be not found (404, or the hooks API's documented 400 {NotFoundBody}).");
        }

        var kinds = route.Parameters.Select(p => p.Kind!.Value).ToList();
        foreach (var assignment in RouteCatalog.Assignments(kinds, world.Alpha, victim))
        {
            var values = route.Parameters.Select((p, i) => (p.Name, assignment[i].Value)).ToDictionary(p => p.Name, p => p.Value);
            var path = route.Path(values);
            var call = await HttpCall.SendAsync(world.Alpha.Api, new HttpMethod(method), path, Bodies.GetValueOrDefault(key));
            if (!IsNotFound(call) || call.Status != nowhere.Status || Mentions(call.Body, victim))
            {
                failures.Add($"{call}: alpha's token with {victim}'s ids must be answered as an unknown id ({(int)nowhere.Status}) and say nothing of theirs.");
            }
        }

        return failures;
    }

    [Fact]
    public async Task IngestUrl_OtherClientsId_IsNotFound()
    {
        // Alpha's own webhook token under bravo's (and charlie's) client id: the token is alpha's secret, the client id is not
        // alpha's, so the URL is unknown; nothing may be stored for either.
        var token = world.Alpha.WebhookUrl[(world.Alpha.WebhookUrl.LastIndexOf('/') + 1)..];
        foreach (var victim in world.Victims)
        {
            var before = await world.SnapshotAsync(victim);
            foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Get })
            {
                var body = new StringContent("""{"id":99,"owner":"alphaiso"}""", Encoding.UTF8, "application/json");
                var call = await HttpCall.SendAsync(world.Server.Anonymous, method, $"v1/clients/{victim.ClientId}/token/{token}", body);
                Assert.True(
                    method == HttpMethod.Post ? call.Status == HttpStatusCode.NotFound : call.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed,
                    call.ToString());
            }

            await Task.Delay(600); // three loading intervals: a record wrongly accepted would be loaded by now
            Assert.Empty(TenantWorld.Differences(before, await world.SnapshotAsync(victim)));
        }
    }

    private const string UnknownId = "987654321";

    /// <summary>Stitch's documented answer for an unknown hook id (BEHAVIOUR.md §7.4: listed under 400, not 404).</summary>
    private const string NotFoundBody = """{"error":"NotFound"}""";

    private static bool IsNotFound(HttpCall call) =>
        call.Status == HttpStatusCode.NotFound || (call.Status == HttpStatusCode.BadRequest && call.Body == NotFoundBody);

    /// <summary>Whether <paramref name="body"/> shows anything of <paramref name="victim"/>: every name it owns holds its marker.</summary>
    internal static bool Mentions(string body, Tenant victim) =>
        body.Contains(victim.Marker, StringComparison.OrdinalIgnoreCase)
        || body.Contains(victim.Token, StringComparison.Ordinal);
}
