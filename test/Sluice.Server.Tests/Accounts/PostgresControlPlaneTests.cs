using System.Net;
using Sluice.Core.Sources;
using Sluice.Server.Accounts;
using Sluice.Server.Ingestion;
using Sluice.Server.Tests.Api;
using Sluice.Storage;
using Sluice.Testing;

namespace Sluice.Server.Tests.Accounts;

/// <summary>The same control plane on PostgreSQL, chosen by configuration only: migrations, bootstrap, rules and resolver.</summary>
public sealed class PostgresControlPlaneTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly PostgresServer postgres;
    private readonly List<string> dataDirs = [];

    public PostgresControlPlaneTests(PostgresServer postgres) => this.postgres = postgres;

    [Fact]
    public async Task Server_OnPostgres_BootstrapsAndManagesSourcesAndTokens()
    {
        var settings = await SettingsAsync();
        await using var server = await SluiceServer.StartAsync(settings: settings);

        var source = await server.CreateSourceAsync(server.Api, "Shop Events", "id");
        (await ApiCall.PostAsync(server.Api, "v4/sources", """{"display_name":"Shop Events","type":"webhook.incoming-webhook"}"""))
            .AssertError(HttpStatusCode.BadRequest, "bad_request", "already used");
        (await ApiCall.PostAsync(server.Api, $"v4/sources/{source.Id}/tokens", "")).AssertOk();
        (await ApiCall.PostAsync(server.Api, $"v4/sources/{source.Id}/tokens", ""))
            .AssertError(HttpStatusCode.BadRequest, "bad_request", "at most 2 webhook URLs");

        var resolver = server.GetService<IWebhookTokenResolver>();
        Assert.Equal(new WebhookTarget(1, source.Id, true, SourceLayout.Default), await resolver.ResolveAsync(1, source.WebhookUrl[^64..], CancellationToken.None));
        var paused = await ApiCall.PutAsync(server.Api, $"v4/sources/{source.Id}", """{"paused":true}""");
        paused.AssertOk();
        Assert.EndsWith("Z", paused.Json.GetProperty("paused_at").GetString(), StringComparison.Ordinal);
        Assert.False((await resolver.ResolveAsync(1, source.WebhookUrl[^64..], CancellationToken.None))!.IsActive);

        (await ApiCall.DeleteAsync(server.Api, $"v4/sources/{source.Id}")).AssertOk();
        var reused = await ApiCall.PostAsync(server.Api, "v4/sources", """{"display_name":"Shop Events","type":"webhook.incoming-webhook"}""");
        reused.AssertOk();
        Assert.Equal("shop_events", reused.Json.GetProperty("name").GetString());
        Assert.Equal("Embedded DuckDB", (await ApiCall.GetAsync(server.Api, "v4/destinations")).Json[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task SecondStart_OnPostgres_DoesNotCreateAnotherAccount()
    {
        var settings = await SettingsAsync();
        string token;
        await using (var first = await SluiceServer.StartAsync(settings: settings))
        {
            token = first.AdminToken;
        }

        await using var second = await SluiceServer.StartAsync(settings: settings);

        Assert.Equal(token, second.AdminToken);
        var b = await second.CreateAccountAsync();
        Assert.Equal(2, b.ClientId);
        (await ApiCall.GetAsync(b.Api, "v4/sources")).AssertOk();
    }

    [Fact]
    public async Task AccountAdmin_WithPostgresOptions_CreatesAccountOnThatServer()
    {
        var settings = await SettingsAsync();
        var options = new ControlPlaneOptions { Provider = "postgres", ConnectionString = settings["ControlPlane:ConnectionString"] };

        var account = await AccountAdmin.CreateAccountAsync(settings["Sluice:DataDir"]!, options, CancellationToken.None);

        Assert.Equal(1, account.ClientId);
        Assert.False(File.Exists(Path.Combine(settings["Sluice:DataDir"]!, "control.db")));
    }

    public void Dispose()
    {
        foreach (var dataDir in dataDirs)
        {
            SluiceServer.TryDelete(dataDir);
        }
    }

    private async Task<Dictionary<string, string?>> SettingsAsync()
    {
        var database = await postgres.CreateDatabaseAsync("sluice_control");
        var dataDir = Path.Combine(Path.GetTempPath(), "sluice-pgcp-" + Guid.NewGuid().ToString("N"));
        dataDirs.Add(dataDir);
        return new Dictionary<string, string?>
        {
            ["Sluice:DataDir"] = dataDir,
            ["ControlPlane:Provider"] = "postgres",
            ["ControlPlane:ConnectionString"] = postgres.ConnectionString(database),
        };
    }
}
