using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.ApiReference;

/// <summary>
/// <c>/openapi/v1.json</c> and <c>/docs/api</c>: the document describes every route the app maps (read from its endpoint data
/// source, so a new route fails here until it is described), is valid OpenAPI 3.1, and the UI loads only from this server.
/// </summary>
public sealed partial class ApiReferenceTests(SharedServer shared) : IClassFixture<SharedServer>
{
    /// <summary>Routes that are not the API, each with why the document leaves it out.</summary>
    private static readonly IReadOnlyDictionary<string, string> NotDescribed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/healthz"] = "liveness probe (README, Operations)",
        ["/readyz"] = "readiness probe (README, Operations)",
        ["/metrics"] = "Prometheus scrape endpoint (README, Operations)",
        ["/web/site.css"] = "the web app's stylesheet",
        ["/favicon.svg"] = "the web app's icon",
        ["/favicon.ico"] = "the web app's icon, where browsers look without a <link>",
    };

    private SluiceServer Server => shared.Instance;

    [Fact]
    public async Task Document_EveryMappedRoute_IsDescribedWithItsMethods()
    {
        var paths = (await GetDocumentAsync()).GetProperty("paths");
        var missing = new List<string>();
        var checkedMethods = 0;
        foreach (var endpoint in Server.GetService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).Trim('/');
            if (endpoint.Metadata.GetMetadata<ActionDescriptor>() is not null
                || NotDescribed.ContainsKey(pattern)
                || pattern.StartsWith("/openapi/", StringComparison.Ordinal)
                || pattern.StartsWith("/docs/api", StringComparison.Ordinal))
            {
                continue;
            }

            // The document writes {id}, the route {id:long}.
            var path = Constraint().Replace(pattern, "{$1}");
            // A route for every method (ingest) must at least describe what providers use.
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() is { Count: > 0 } listed ? listed : ["POST", "HEAD"];
            foreach (var method in methods)
            {
                checkedMethods++;
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
                {
                    missing.Add($"{method} {path}");
                    continue;
                }

                if (!operation.TryGetProperty("responses", out var responses) || !responses.EnumerateObject().Any())
                {
                    missing.Add($"{method} {path} has no responses");
                }
            }
        }

        Assert.True(checkedMethods >= 30, $"Only {checkedMethods} route methods were found; was the endpoint data source read?");
        Assert.True(missing.Count == 0, $"Not in {"/openapi/v1.json"}:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task Document_IsValidOpenApi31_AndEveryReferenceResolves()
    {
        using var response = await Server.Anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();

        var settings = new OpenApiReaderSettings();
        var read = OpenApiDocument.Parse(text, OpenApiConstants.Json, settings);
        Assert.NotNull(read.Document);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic?.SpecificationVersion);
        Assert.True(read.Diagnostic!.Errors.Count == 0, "Reader errors:\n" + string.Join("\n", read.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        var errors = read.Document!.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, "Validation errors:\n" + string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var references = new List<string>();
        CollectReferences(root, references);
        Assert.NotEmpty(references);
        foreach (var reference in references.Distinct(StringComparer.Ordinal))
        {
            Assert.StartsWith("#/components/", reference, StringComparison.Ordinal);
            var target = root;
            foreach (var segment in reference[2..].Split('/'))
            {
                Assert.True(target.TryGetProperty(segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out target), $"{reference} does not resolve");
            }
        }
    }

    [Fact]
    public async Task Document_ApiOperations_NeedTheBearerTokenAndSay401_IngestNeedsNone()
    {
        var document = await GetDocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        var failures = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            var isApi = path.Name.StartsWith("/v4/", StringComparison.Ordinal) || path.Name.StartsWith("/notifications/", StringComparison.Ordinal);
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
            {
                var secured = operation.Value.TryGetProperty("security", out var security)
                    && security.EnumerateArray().Any(r => r.TryGetProperty("bearer", out _));
                var says401 = operation.Value.GetProperty("responses").TryGetProperty("401", out _);
                if (isApi && !(secured && says401))
                {
                    failures.Add($"{operation.Name} {path.Name}: secured={secured}, 401={says401}");
                }

                if (!isApi && secured)
                {
                    failures.Add($"{operation.Name} {path.Name} asks for an API token it does not need");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var ingest = document.GetProperty("paths").GetProperty("/v1/clients/{client_id}/token/{token}").GetProperty("post");
        Assert.Contains("IngestAccepted", ingest.GetProperty("responses").GetProperty("200").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("Batch Accepted!", document.GetProperty("components").GetProperty("schemas").GetProperty("IngestAccepted").GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v4/sources", "post", "SourceCreateBody")]
    [InlineData("/v4/sources/{id}", "put", "SourceUpdateBody")]
    public async Task Document_SourceBodies_NameExactlyTheFieldsTheEndpointAccepts(string path, string method, string schema)
    {
        var document = await GetDocumentAsync();
        var body = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("requestBody");
        Assert.Contains(schema, body.GetRawText(), StringComparison.Ordinal);
        var documented = document.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties")
            .EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        var accepted = (method == "post" ? Sluice.Server.Sources.SourceEndpoints.CreateFields : Sluice.Server.Sources.SourceEndpoints.UpdateFields)
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(accepted, documented);
    }

    [Fact]
    public async Task Document_WithoutAToken_HoldsNoAccountsData()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Zebra Orders Private", "id");
        using var response = await Server.Anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Zebra Orders Private", text, StringComparison.Ordinal);
        Assert.DoesNotContain("zebra_orders_private", text, StringComparison.Ordinal);
        Assert.DoesNotContain(source.WebhookUrl.Split('/')[^1], text, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.AdminToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocsPage_WithoutAToken_ReferencesOnlyAssetsThisServerServes()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true }) { BaseAddress = Server.BaseAddress };
        using var page = await client.GetAsync(new Uri("/docs/api", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        var pageUri = page.RequestMessage!.RequestUri!;

        // No address of another host anywhere in the page, its configuration included (no CDN script, font or telemetry).
        var external = ExternalUrl().Matches(html).Select(m => m.Value).ToList();
        Assert.True(external.Count == 0, "The page names other hosts: " + string.Join(", ", external));
        Assert.Contains("\"telemetry\":false", html, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);

        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            var uri = new Uri(pageUri, asset);
            Assert.Equal(Server.BaseAddress.Authority, uri.Authority);
            using var response = await client.GetAsync(uri);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{uri} answered {(int)response.StatusCode}");
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0, $"{uri} is empty");
        }

        // The document the page loads is this server's.
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetDocumentAsync()
    {
        var call = await ApiCall.GetAsync(Server.Anonymous, "/openapi/v1.json");
        call.AssertOk();
        return call.Json;
    }

    private static void CollectReferences(JsonElement element, List<string> references)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        references.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        CollectReferences(property.Value, references);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectReferences(item, references);
                }

                break;
        }
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*):[^}]*\}")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"https?://[^""'\s<>]+")]
    private static partial Regex ExternalUrl();

    [GeneratedRegex(@"(?:src|href)=""([^""]+)""")]
    private static partial Regex AssetReference();
}
