using System.Globalization;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Sluice.Testing;

namespace Sluice.Reliability.Tests.Isolation;

/// <summary>One route of the running app as the sweeps see it: its pattern, its methods, and the id each parameter names.</summary>
internal sealed record SweptRoute(RouteEndpoint Endpoint, string Pattern, IReadOnlyList<string> Methods, IReadOnlyList<RouteParameter> Parameters)
{
    public bool IsPage => Endpoint.Metadata.GetMetadata<ActionDescriptor>() is not null;

    /// <summary>The path with each parameter replaced by its value in <paramref name="values"/>.</summary>
    public string Path(IReadOnlyDictionary<string, string> values)
    {
        var path = Pattern;
        foreach (var parameter in Parameters)
        {
            path = path.Replace(parameter.Placeholder, Uri.EscapeDataString(values[parameter.Name]), StringComparison.Ordinal);
        }

        return path;
    }
}

/// <summary>A route parameter, and what it names, judged by the literal segment before it (<c>sources/{id}</c> is a source).</summary>
internal sealed record RouteParameter(string Name, string Placeholder, string Key, ObjectKind? Kind);

internal static class RouteCatalog
{
    /// <summary>
    /// What each route parameter names, by "literal segment before it/{parameter}". A new route whose parameter is not here
    /// fails the sweeps until it is added (and so swept with another account's ids).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, ObjectKind> ParameterKinds = new Dictionary<string, ObjectKind>(StringComparer.Ordinal)
    {
        ["v4/{clientId}"] = ObjectKind.Account,
        ["sources/{id}"] = ObjectKind.Source,
        ["tokens/{tokenId}"] = ObjectKind.WebhookToken,
        ["tokens/{id}"] = ObjectKind.ApiToken,
        ["destinations/{id}"] = ObjectKind.Destination,
        ["hooks/{id}"] = ObjectKind.Hook,
        ["deliveries/{deliveryId}"] = ObjectKind.Delivery,
        ["custom-emails/{id}"] = ObjectKind.Recipient,
        ["notifications/{id}"] = ObjectKind.Notification,
        ["integrations/{id}"] = ObjectKind.Source,
        ["clients/{client_id}"] = ObjectKind.Account,
    };

    /// <summary>Every route endpoint of the app, from its <see cref="EndpointDataSource"/>, so a new route is swept without being listed.</summary>
    public static IReadOnlyList<SweptRoute> All(SluiceServer server)
    {
        var routes = new List<SweptRoute>();
        foreach (var endpoint in server.GetService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).Trim('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() ?? [];
            routes.Add(new SweptRoute(endpoint, pattern, methods, Parameters(endpoint.RoutePattern)));
        }

        return routes;
    }

    private static List<RouteParameter> Parameters(RoutePattern pattern)
    {
        var parameters = new List<RouteParameter>();
        string previous = string.Empty;
        var raw = pattern.RawText ?? string.Empty;
        foreach (var segment in pattern.PathSegments)
        {
            if (segment.Parts is [RoutePatternParameterPart part])
            {
                // The placeholder as written in the pattern, constraint included ({id:long}).
                var start = raw.IndexOf("{" + part.Name, StringComparison.Ordinal);
                var placeholder = raw[start..(raw.IndexOf('}', start) + 1)];
                var key = string.Create(CultureInfo.InvariantCulture, $"{previous}/{{{part.Name}}}");
                parameters.Add(new RouteParameter(part.Name, placeholder, key, ParameterKinds.TryGetValue(key, out var kind) ? kind : null));
                previous = "{" + part.Name + "}";
            }
            else
            {
                previous = string.Concat(segment.Parts.OfType<RoutePatternLiteralPart>().Select(p => p.Content));
            }
        }

        return parameters;
    }

    /// <summary>
    /// Every assignment of ids to <paramref name="kinds"/> in which at least one id is the victim's and the others are the
    /// caller's or the victim's: the victim's object alone, and each mix (the caller's source with the victim's token, ...).
    /// </summary>
    public static IEnumerable<IReadOnlyList<(string Value, bool Victims)>> Assignments(IReadOnlyList<ObjectKind> kinds, Tenant caller, Tenant victim)
    {
        IEnumerable<List<(string Value, bool Victims)>> combos = [[]];
        foreach (var kind in kinds)
        {
            var options = victim.Values(kind).Select(v => (v, true)).Concat(caller.Values(kind).Take(1).Select(v => (v, false))).ToList();
            combos = combos.SelectMany(c => options.Select(o => new List<(string, bool)>(c) { o }));
        }

        return combos.Where(c => c.Any(p => p.Victims));
    }
}
