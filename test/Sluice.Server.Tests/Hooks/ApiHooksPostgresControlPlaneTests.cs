using System.Net;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Hooks;

/// <summary>Hooks, deliveries and replay with the control plane on PostgreSQL (its own migration of the hook tables).</summary>
public sealed class ApiHooksPostgresControlPlaneTests : IClassFixture<PostgresServer>, IDisposable
{
    private const string Hooks = "notifications/public/v1/api/hooks";

    private readonly PostgresServer postgres;
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-pghooks-" + Guid.NewGuid().ToString("N"));

    public ApiHooksPostgresControlPlaneTests(PostgresServer postgres) => this.postgres = postgres;

    public void Dispose() => SluiceServer.TryDelete(dataDir);

    [Fact]
    public async Task HooksAndDeliveries_OnPostgresControlPlane_Work()
    {
        var database = await postgres.CreateDatabaseAsync("sluice_control");
        await using var server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Sluice:DataDir"] = dataDir,
            ["ControlPlane:Provider"] = "postgres",
            ["ControlPlane:ConnectionString"] = postgres.ConnectionString(database),
            ["Loading:Interval"] = "00:00:00.100",
        });
        var destination = await ApiHooksTests.DestinationIdAsync(server.Api);
        var hook = (await ApiCall.PostAsync(server.Api, Hooks, ApiHooksTests.CreateBody(destination))).Json.GetProperty("id").GetInt64();
        (await ApiCall.PostAsync(server.Api, "notifications/public/v1/api/custom-emails", """{"email_address":"ops@example.com"}""")).AssertOk();
        var source = await server.CreateSourceAsync(server.Api, "Events");

        using (var content = new StringContent("""{"n":1}""", System.Text.Encoding.UTF8, "application/json"))
        {
            using var response = await server.Anonymous.PostAsync(new Uri(source.WebhookUrl), content);
            Assert.True(response.IsSuccessStatusCode);
        }

        ApiCall page = null!;
        await Eventually.WaitAsync(
            async () =>
            {
                page = await ApiCall.GetAsync(server.Api, $"{Hooks}/{hook}/deliveries");
                return page.Json.GetProperty("total").GetInt32() != 0;
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(50));

        Assert.Equal(1, page.Json.GetProperty("total").GetInt32());
        var deliveryId = page.Json.GetProperty("deliveries")[0].GetProperty("id").GetInt64();
        (await ApiCall.PostAsync(server.Api, $"{Hooks}/{hook}/deliveries/{deliveryId}/replay", "")).AssertOk();
        Assert.Equal(2, (await ApiCall.GetAsync(server.Api, $"{Hooks}/{hook}/deliveries")).Json.GetProperty("total").GetInt32());

        var deleted = await ApiCall.DeleteAsync(server.Api, $"{Hooks}/{hook}");
        Assert.Equal((HttpStatusCode.OK, "null"), (deleted.Status, deleted.Text));
    }
}
