using System.Net;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Xunit.Abstractions;

namespace Sluice.Reliability.Tests.Isolation;

/// <summary>
/// Part 4 of issue 19, the web app: every page of the running app and every handler of it (read from the endpoint data
/// source and the pages' compiled descriptors, so a new page or handler is swept without being listed) is requested signed
/// in as alpha's user with bravo's or charlie's ids in the route, the handler's parameters and the query; each answer must
/// be 404, pages without ids must show nothing of theirs, and afterwards nothing of theirs may have changed.
/// </summary>
[Collection(TenantWorldCollection.Name)]
public sealed class WebIsolationTests(TenantWorld world, ITestOutputHelper output)
{
    /// <summary>Pages that belong to no account, with why.</summary>
    private static readonly IReadOnlyDictionary<string, string> AccountIndependent = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/signin"] = "signing in: before there is an account to scope by",
        ["/signout"] = "ends the caller's own session; names no object",
    };

    /// <summary>
    /// POST handlers that name no object (no id in the route, the query or the form): they act on the signed-in account
    /// only, so there is no other account's id to put in; not called (each would change alpha).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> OwnAccountOnly = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["POST /settings/notifications AddHook"] = "adds a hook on the caller's own destination (the URL is the only field)",
        ["POST /settings/notifications AddEmail"] = "adds a recipient to the caller's account (the address is the only field)",
        ["POST /destination Test"] = "tests connection fields typed into the form; stores nothing",
        ["POST /destination Save"] = "saves the caller's own destination from the form's connection fields",
        ["POST /destination UseDuckDb"] = "moves the caller's own account back to its DuckDB file",
        ["POST /integrations/new"] = "creates a source in the caller's account from the form",
    };

    /// <summary>Handler parameters and query properties that name an object of the account.</summary>
    private static readonly IReadOnlyDictionary<string, ObjectKind> IdFields = new Dictionary<string, ObjectKind>(StringComparer.Ordinal)
    {
        ["id"] = ObjectKind.Source,
        ["hookId"] = ObjectKind.Hook,
        ["recipientId"] = ObjectKind.Recipient,
        ["notificationId"] = ObjectKind.Notification,
        ["deliveryId"] = ObjectKind.Delivery,
        ["tokenId"] = ObjectKind.WebhookToken,
        ["table"] = ObjectKind.Table,
    };

    /// <summary>Handler parameters and query properties that name nothing: harmless values (as damaging as possible if they ever applied to another account).</summary>
    private static readonly IReadOnlyDictionary<string, string> OtherFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tableFrom"] = "table:alphaiso_hijacked",
        ["captureHeaders"] = "X-Alphaiso-Hijack",
        ["maxDepth"] = "1",
        ["signingSecret"] = "alphaiso-hijacked-secret",
        ["remove"] = "true",
        ["Confirm"] = "delete",
        ["page"] = "1",
        ["all"] = "true",
    };

    [Fact]
    public async Task EveryPage_OtherAccountsIds_AreNotFoundAndChangeNothing()
    {
        using var session = await WebSession.SignInAsync(world.Server.BaseAddress, world.Alpha.UserEmail, world.Alpha.UserPassword);
        var loader = world.Server.GetService<PageLoader>();
        var pages = RouteCatalog.All(world.Server).Where(r => r.IsPage).OrderBy(r => r.Pattern, StringComparer.Ordinal).ToList();
        var failures = new List<string>();
        var requests = 0;
        var handlers = 0;
        var before = new Dictionary<Tenant, SortedDictionary<string, string>>();
        foreach (var victim in world.Victims)
        {
            before[victim] = await world.SnapshotAsync(victim);
        }

        foreach (var page in pages)
        {
            if (AccountIndependent.ContainsKey(page.Pattern))
            {
                continue;
            }

            var descriptor = page.Endpoint.Metadata.GetMetadata<CompiledPageActionDescriptor>()
                ?? await loader.LoadAsync(page.Endpoint.Metadata.GetMetadata<PageActionDescriptor>()!, page.Endpoint.Metadata);
            var query = descriptor.BoundProperties
                .Where(p => p.BindingInfo?.BindingSource == BindingSource.Query)
                .Select(p => p.BindingInfo?.BinderModelName ?? p.Name)
                .ToList();
            foreach (var handler in descriptor.HandlerMethods)
            {
                handlers++;
                var method = handler.HttpMethod.ToUpperInvariant();
                var key = $"{method} {page.Pattern}{(handler.Name is null ? string.Empty : " " + handler.Name)}";
                var fields = handler.Parameters.Where(p => p.ParameterType != typeof(CancellationToken)).Select(p => p.Name).ToList();
                if (method == "GET")
                {
                    fields.AddRange(query);
                }

                if (page.Parameters.FirstOrDefault(p => p.Kind is null) is { } unknownParameter)
                {
                    failures.Add($"{key}: route parameter '{unknownParameter.Key}' names nothing known; add it to {nameof(RouteCatalog)}.{nameof(RouteCatalog.ParameterKinds)}.");
                    continue;
                }

                if (fields.FirstOrDefault(f => !IdFields.ContainsKey(f) && !OtherFields.ContainsKey(f)) is { } unknownField)
                {
                    failures.Add($"{key}: field '{unknownField}' is unknown to the sweep; add it to {nameof(IdFields)} (it names an object) or {nameof(OtherFields)}.");
                    continue;
                }

                var idSlots = page.Parameters.Select(p => (Name: p.Name, Kind: p.Kind!.Value, InRoute: true))
                    .Concat(fields.Where(IdFields.ContainsKey).Select(f => (Name: f, Kind: IdFields[f], InRoute: false)))
                    .ToList();
                if (idSlots.Count == 0)
                {
                    if (method == "GET")
                    {
                        requests++;
                        var call = await session.GetAsync(Url(page, handler.Name, new Dictionary<string, string>(), fields, isGet: true));
                        foreach (var victim in world.Victims.Where(v => call.Status != HttpStatusCode.OK || ApiIsolationTests.Mentions(call.Body, v)))
                        {
                            failures.Add($"{call.Method} {call.Path} -> {(int)call.Status}: a page of the caller must answer 200 and show nothing of {victim}.");
                        }
                    }
                    else if (!OwnAccountOnly.ContainsKey(key))
                    {
                        failures.Add($"{key}: a handler that names no object and is not in {nameof(OwnAccountOnly)}; list it there with why, or give it an id field.");
                    }

                    continue;
                }

                foreach (var victim in world.Victims)
                {
                    foreach (var assignment in RouteCatalog.Assignments(idSlots.Select(s => s.Kind).ToList(), world.Alpha, victim))
                    {
                        var values = idSlots.Select((s, i) => (s.Name, assignment[i].Value)).ToDictionary(p => p.Name, p => p.Value);
                        requests++;
                        var call = await SendAsync(session, page, method, handler.Name, values, fields);
                        if (call.Status != HttpStatusCode.NotFound || ApiIsolationTests.Mentions(call.Body, victim))
                        {
                            failures.Add($"{call.Method} {call.Path} {string.Join("&", values.Select(v => v.Key + "=" + v.Value))} -> {(int)call.Status}: alpha's user with {victim}'s ids must get 404 and see nothing of theirs.");
                        }
                    }
                }
            }

            foreach (var victim in world.Victims)
            {
                var after = await world.SnapshotAsync(victim);
                failures.AddRange(TenantWorld.Differences(before[victim], after).Select(d => $"{page.Pattern} signed in as alpha changed {victim}: {d}"));
                before[victim] = after;
            }
        }

        output.WriteLine($"{pages.Count} pages, {handlers} handlers, {requests} requests swept.");
        Assert.True(handlers >= 20, $"Only {handlers} page handlers were found; were the pages' descriptors read?");
        Assert.True(failures.Count == 0, $"{failures.Count} isolation failure(s) in {requests} page requests:\n" + string.Join("\n", failures));

        // Bravo's and charlie's users still sign in with their passwords (their rows are in the snapshots too).
        foreach (var victim in world.Victims)
        {
            using var theirs = await WebSession.SignInAsync(world.Server.BaseAddress, victim.UserEmail, victim.UserPassword);
        }
    }

    /// <summary>
    /// A POST no handler of the page takes (the page only shows, or <c>?handler=</c> names none) answers 405 with the error
    /// page, for every page of the app, and changes nothing: before, Razor Pages rendered the page without its GET handler,
    /// which answered 500 on an integration's page and 200 with an empty dashboard elsewhere.
    /// </summary>
    [Fact]
    public async Task EveryPage_PostWithoutAHandler_IsNotAllowedAndChangesNothing()
    {
        using var session = await WebSession.SignInAsync(world.Server.BaseAddress, world.Alpha.UserEmail, world.Alpha.UserPassword);
        var loader = world.Server.GetService<PageLoader>();
        var failures = new List<string>();
        var before = await world.SnapshotAsync(world.Alpha);
        var requests = 0;
        foreach (var page in RouteCatalog.All(world.Server).Where(r => r.IsPage))
        {
            var descriptor = page.Endpoint.Metadata.GetMetadata<CompiledPageActionDescriptor>()
                ?? await loader.LoadAsync(page.Endpoint.Metadata.GetMetadata<PageActionDescriptor>()!, page.Endpoint.Metadata);
            var path = page.Path(page.Parameters.ToDictionary(p => p.Name, p => world.Alpha.Values(p.Kind!.Value)[0]));
            if (descriptor.HandlerMethods.Any(h => h.Name is null && h.HttpMethod.Equals("POST", StringComparison.OrdinalIgnoreCase)))
            {
                continue; // the page's unnamed POST handler takes every POST (Razor Pages falls back to it for an unknown handler name)
            }

            foreach (var target in new[] { path, path + "?handler=NoSuchHandler" })
            {
                requests++;
                var call = await session.PostAsync(target, new Dictionary<string, string>());
                if (call.Status != HttpStatusCode.MethodNotAllowed || !call.Body.Contains("Not allowed", StringComparison.Ordinal))
                {
                    failures.Add($"POST {target} -> {(int)call.Status}: a POST no handler takes must answer 405 with the error page.");
                }
            }
        }

        output.WriteLine($"{requests} handler-less posts.");
        Assert.True(requests >= 10, $"Only {requests} posts were sent; were the pages found?");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Empty(TenantWorld.Differences(before, await world.SnapshotAsync(world.Alpha)));
    }

    private static Task<HttpCall> SendAsync(
        WebSession session, SweptRoute page, string method, string? handler, IReadOnlyDictionary<string, string> ids, IReadOnlyList<string> fields)
    {
        if (method == "GET")
        {
            return session.GetAsync(Url(page, handler, ids, fields, isGet: true));
        }

        var form = fields.ToDictionary(f => f, f => ids.TryGetValue(f, out var id) ? id : OtherFields[f]);
        return session.PostAsync(Url(page, handler, ids, fields, isGet: false), form);
    }

    /// <summary>The page's path with its route ids, the handler, and (for GET) the query fields.</summary>
    private static string Url(SweptRoute page, string? handler, IReadOnlyDictionary<string, string> ids, IReadOnlyList<string> fields, bool isGet)
    {
        var query = new List<string>();
        if (handler is not null)
        {
            query.Add("handler=" + handler);
        }

        if (isGet)
        {
            query.AddRange(fields.Select(f => f + "=" + Uri.EscapeDataString(ids.TryGetValue(f, out var id) ? id : OtherFields[f])));
        }

        var path = page.Path(page.Parameters.ToDictionary(p => p.Name, p => ids[p.Name]));
        return query.Count == 0 ? path : path + "?" + string.Join("&", query);
    }
}
