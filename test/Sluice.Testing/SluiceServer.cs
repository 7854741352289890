using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Server;
using Sluice.Server.Accounts;

namespace Sluice.Testing;

/// <summary>
/// A real Sluice server for tests: Kestrel on 127.0.0.1 with a free port, a fresh data directory under /tmp,
/// account 1 bootstrapped as on a first start. Dispose stops it and deletes the data directory.
/// </summary>
public sealed class SluiceServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<HttpClient> clients = [];

    private readonly bool ownsDataDir;

    private SluiceServer(WebApplication app, string dataDir, bool ownsDataDir, Uri baseAddress, string adminToken)
    {
        this.app = app;
        this.ownsDataDir = ownsDataDir;
        DataDir = dataDir;
        BaseAddress = baseAddress;
        AdminToken = adminToken;
        Api = NewClient(adminToken);
        Anonymous = NewClient(null);
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public string DataDir { get; }

    /// <summary>Account 1's API token, read from <c>&lt;data-dir&gt;/admin-token</c> as the CLI would.</summary>
    public string AdminToken { get; }

    /// <summary>Account 1: the account a first start creates.</summary>
    public long ClientId => 1;

    /// <summary>Sends <c>Authorization: Bearer &lt;AdminToken&gt;</c>.</summary>
    public HttpClient Api { get; }

    /// <summary>No credentials (for ingest, or to test 401s).</summary>
    public HttpClient Anonymous { get; }

    /// <summary>
    /// Starts a server. <paramref name="settings"/> are configuration keys (e.g. <c>Loading:Interval</c>) that win
    /// over defaults; <c>Sluice:DataDir</c> among them picks the data directory, which is then kept on dispose.
    /// </summary>
    public static async Task<SluiceServer> StartAsync(
        Action<WebApplicationBuilder>? configure = null, IDictionary<string, string?>? settings = null)
    {
        // A data directory given in settings belongs to the test (e.g. to restart on it) and is kept on dispose.
        var ownsDataDir = settings is null || !settings.TryGetValue("Sluice:DataDir", out var given) || string.IsNullOrEmpty(given);
        var dataDir = ownsDataDir
            ? Path.Combine(Path.GetTempPath(), "sluice-test-" + Guid.NewGuid().ToString("N"))
            : settings!["Sluice:DataDir"]!;
        string[] args = ["--urls", "http://127.0.0.1:0", "--data-dir", dataDir];
        var app = SluiceApp.Build(args, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            configure?.Invoke(builder);
        });

        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            if (ownsDataDir)
            {
                TryDelete(dataDir);
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var adminToken = (await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-token"))).Trim();
        return new SluiceServer(app, dataDir, ownsDataDir, new Uri(address.TrimEnd('/') + "/"), adminToken);
    }

    /// <summary>A second (third, ...) account with its own token and client, as <c>sluice accounts create</c> makes.</summary>
    public async Task<TestAccount> CreateAccountAsync()
    {
        var account = await GetService<AccountService>().CreateAccountAsync(CancellationToken.None);
        return new TestAccount(account.ClientId, account.ApiToken, NewClient(account.ApiToken));
    }

    /// <summary>Creates an Incoming Webhooks source through the API and returns its id, schema name and first webhook URL.</summary>
    public async Task<TestSource> CreateSourceAsync(HttpClient api, string displayName, string? primaryKey = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var body = new Dictionary<string, object>
        {
            ["display_name"] = displayName,
            ["type"] = "webhook.incoming-webhook",
        };
        if (primaryKey is not null)
        {
            body["properties"] = new Dictionary<string, string> { ["webhookz_primary_key"] = primaryKey };
        }

        using var response = await api.PostAsJsonAsync("v4/sources", body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v4/sources answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        return new TestSource(root.GetProperty("id").GetInt64(), root.GetProperty("name").GetString()!, root.GetProperty("webhook_url").GetString()!);
    }

    public T GetService<T>()
        where T : notnull => app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        try
        {
            await app.StopAsync();
        }
        finally
        {
            await app.DisposeAsync();
            if (ownsDataDir)
            {
                TryDelete(DataDir);
            }
        }
    }

    private HttpClient NewClient(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        clients.Add(client);
        return client;
    }

    /// <summary>Deletes a directory a test made, ignoring files still held open by something else.</summary>
    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a background task must not fail the test; /tmp is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
