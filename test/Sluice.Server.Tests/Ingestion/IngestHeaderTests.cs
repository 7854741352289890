using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Core.Buffering;
using Sluice.Core.Sources;
using Sluice.Server.Buffering;
using Sluice.Server.Ingestion;
using Sluice.Server.Sources;
using Sluice.Testing;

namespace Sluice.Server.Tests.Ingestion;

/// <summary>
/// Request headers a source keeps (<see cref="SourceLayout.StoredHeaders"/>), over real HTTP into buffer.db and back.
/// The layout is given through <see cref="LayoutResolver"/>, a test seam over the real resolver, until the control plane
/// fills <see cref="WebhookTarget.Layout"/> from the source's properties.
/// </summary>
public sealed class IngestHeaderTests : IAsyncLifetime
{
    private static readonly SourceLayout GitHubLayout =
        new(new TableRoute(TableRouteKind.Header, "X-GitHub-Event"), ["X-GitHub-Delivery", "X-Hub-Signature-256", "X-Absent"], null);

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sluice-test-" + Guid.NewGuid().ToString("N"));
    private readonly LayoutResolver.Layouts _layouts = new();
    private SluiceServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Post_SourceKeepingHeaders_EveryRecordOfTheRequestHasThemAndNoOthers()
    {
        var source = await NewSourceAsync(GitHubLayout);

        var (status, body) = await PostAsync(source.WebhookUrl, """[{"n":1},{"n":2},{"n":3}]""", ("x-github-event", "push"), ("X-GitHub-Delivery", "72d3162e"), ("X-Hub-Signature-256", "sha256=ab"), ("X-Other", "not kept"));
        await PostAsync(source.WebhookUrl, """{"n":4}""", ("X-GitHub-Event", "ping"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Batch Accepted!", body, StringComparison.Ordinal);
        var stored = await StoredAsync(source.Id);
        Assert.Equal(4, stored.Count);
        var push = new Dictionary<string, string> { ["x-github-delivery"] = "72d3162e", ["x-hub-signature-256"] = "sha256=ab", ["x-github-event"] = "push" };
        Assert.All(stored.Take(3), r => Assert.Equal(push, r.Headers));
        Assert.Equal(new Dictionary<string, string> { ["x-github-event"] = "ping" }, stored[3].Headers);
    }

    [Fact]
    public async Task Post_HeaderSentSeveralTimes_KeptAsOneValueJoinedWithCommaSpace()
    {
        var source = await NewSourceAsync(new SourceLayout(null, ["X-Tag"], null));

        await PostAsync(source.WebhookUrl, """{"n":1}""", ("X-Tag", "a"), ("X-Tag", "b"));

        Assert.Equal("a, b", Assert.Single(await StoredAsync(source.Id)).Headers!["x-tag"]);
    }

    [Fact]
    public void CaptureHeaders_SeveralValuesAnyCase_JoinedByLowercasedName()
    {
        var request = new Microsoft.AspNetCore.Http.HeaderDictionary { ["X-TAG"] = new(["a", "b"]), ["x-one"] = "1" };

        var captured = IngestEndpoint.CaptureHeaders(request, ["x-tag", "x-one", "x-none"], 100, out var tooLarge);

        Assert.Null(tooLarge);
        Assert.Equal(new Dictionary<string, string> { ["x-tag"] = "a, b", ["x-one"] = "1" }, captured);
    }

    [Fact]
    public async Task Post_SourceKeepingHeadersNoneSent_StoresNoHeaders()
    {
        var source = await NewSourceAsync(GitHubLayout);

        await PostAsync(source.WebhookUrl, """{"n":1}""", ("X-Other", "1"));

        Assert.Null(Assert.Single(await StoredAsync(source.Id)).Headers);
    }

    [Fact]
    public async Task Post_SourceWithoutLayout_StoresNoHeaders()
    {
        var source = await NewSourceAsync(layout: null);

        await PostAsync(source.WebhookUrl, """[{"n":1},{"n":2}]""", ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "1"));

        Assert.All(await StoredAsync(source.Id), r => Assert.Null(r.Headers));
    }

    [Fact]
    public async Task Post_KeptHeaderOverTheLimit_400NamesItAndStoresNothing()
    {
        var source = await NewSourceAsync(GitHubLayout);

        var (status, body) = await PostAsync(source.WebhookUrl, """{"n":1}""", ("X-GitHub-Delivery", new string('d', 8 * 1024 + 1)));
        var (atLimit, _) = await PostAsync(source.WebhookUrl, """{"n":2}""", ("X-GitHub-Delivery", new string('d', 8 * 1024)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        using var error = JsonDocument.Parse(body);
        Assert.Equal("Request header too large to keep!", error.RootElement.GetProperty("message").GetString());
        Assert.Contains("Header 'x-github-delivery' is 8193 bytes long", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("at most 8192 bytes", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, atLimit);
        Assert.Equal(["""{"n":2}"""], (await StoredAsync(source.Id)).Select(r => r.Json));
    }

    [Fact]
    public async Task Post_ThenRestart_HeadersAreKept()
    {
        var source = await NewSourceAsync(GitHubLayout);
        await PostAsync(source.WebhookUrl, """[{"n":1},{"n":2}]""", ("X-GitHub-Event", "issues"));

        await _server.DisposeAsync();
        _server = await StartAsync();

        var stored = await StoredAsync(source.Id);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, r => Assert.Equal(new Dictionary<string, string> { ["x-github-event"] = "issues" }, r.Headers));
    }

    /// <summary>A server on <see cref="_dataDir"/> without the loader (records stay pending), with the layout seam.</summary>
    private Task<SluiceServer> StartAsync() =>
        SluiceServer.StartAsync(
            builder => LayoutResolver.Register(builder.Services, _layouts),
            new Dictionary<string, string?> { ["Sluice:DataDir"] = _dataDir, ["Sluice:Roles"] = "ingest,api" });

    private async Task<TestSource> NewSourceAsync(SourceLayout? layout)
    {
        var source = await _server.CreateSourceAsync(_server.Api, "Headers " + Guid.NewGuid().ToString("N")[..12]);
        if (layout is not null)
        {
            _layouts[source.Id] = layout;
        }

        return source;
    }

    private async Task<IReadOnlyList<BufferedRecord>> StoredAsync(long sourceId) =>
        await _server.GetService<IRecordBuffer>().ReadAsync(sourceId, 0, 100_000, long.MaxValue, CancellationToken.None);

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string url, string json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _server.Anonymous.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>Test seam: the real token resolver, with <see cref="WebhookTarget.Layout"/> set from a table of source ids.</summary>
internal sealed class LayoutResolver(IWebhookTokenResolver inner, LayoutResolver.Layouts layouts) : IWebhookTokenResolver
{
    public static void Register(IServiceCollection services, Layouts layouts) =>
        services.AddSingleton<IWebhookTokenResolver>(sp => new LayoutResolver(sp.GetRequiredService<WebhookTokenResolver>(), layouts));

    public async ValueTask<WebhookTarget?> ResolveAsync(long clientId, string token, CancellationToken cancellationToken)
    {
        var target = await inner.ResolveAsync(clientId, token, cancellationToken);
        return target is not null && layouts.TryGetValue(target.SourceId, out var layout) ? target with { Layout = layout } : target;
    }

    public Task NoteSignatureRefusedAsync(long sourceId, string reason, CancellationToken cancellationToken) =>
        inner.NoteSignatureRefusedAsync(sourceId, reason, cancellationToken);

    public sealed class Layouts : ConcurrentDictionary<long, SourceLayout>;
}
