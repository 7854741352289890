using System.Net.Http.Json;
using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Cli.Tests.EndToEnd;

/// <summary>
/// What <c>sluice serve</c> writes to the console as an operator sees it: its own events, not ASP.NET Core's ten lines per
/// request; no "No XML encryptor" warning on the first start; JSON lines for a log shipper with
/// <c>Logging:Console:FormatterName=json</c>, stdout holding nothing else.
/// </summary>
public sealed class LoggingTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-logging-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => SluiceServer.TryDelete(dataDir);

    [Fact]
    public async Task Defaults_RequestsAreNotLogged_FirstStartHasNoWarning_AndKeysAreOwnerOnly()
    {
        string output;
        await using (var server = await SluiceProcess.StartAsync(dataDir))
        {
            await SendTrafficAsync(server);
            output = server.Output;
        }

        Assert.Contains("Control plane ready", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request finished", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Executing endpoint", output, StringComparison.Ordinal);
        Assert.DoesNotContain("warn:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("No XML encryptor", output, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length < 30, $"{lines.Length} lines for a start and 6 requests:\n{output}");

        var keys = Path.Combine(dataDir, "keys");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        }

        var key = Assert.Single(Directory.GetFiles(keys, "key-*.xml"));
        Assert.Contains("NullXmlDecryptor", await File.ReadAllTextAsync(key), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestLogs_ComeBackWithTheirLogLevel()
    {
        var environment = new Dictionary<string, string> { ["SLUICE_Logging__LogLevel__Microsoft.AspNetCore"] = "Information" };
        await using var server = await SluiceProcess.StartAsync(dataDir, environment);
        await SendTrafficAsync(server);

        Assert.Contains("Request finished HTTP/1.1 GET", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonFormatter_StdoutIsOneJsonObjectPerLine_AndTheBannerGoesToStderr()
    {
        var environment = new Dictionary<string, string>
        {
            ["SLUICE_Logging__Console__FormatterName"] = "json",
            ["SLUICE_Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        };
        string stdout;
        string all;
        await using (var server = await SluiceProcess.StartAsync(dataDir, environment))
        {
            await SendTrafficAsync(server);
            stdout = server.StandardOutput;
            all = server.Output;
        }

        var entries = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                return (Category: json.RootElement.GetProperty("Category").GetString(), Message: json.RootElement.GetProperty("Message").GetString(), Level: json.RootElement.GetProperty("LogLevel").GetString());
            }
            catch (JsonException e)
            {
                throw new Xunit.Sdk.XunitException($"stdout line is not a JSON object ({e.Message}): {line}");
            }
        }).ToList();

        Assert.Contains(entries, e => e.Category == "Sluice.Server.Accounts.ControlPlaneInitializer" && e.Message!.StartsWith("Control plane ready", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Message!.StartsWith("Request finished HTTP/1.1 POST", StringComparison.Ordinal) && e.Level == "Information");

        // The one-time secrets of the first start are still shown, on stderr, not in the shipped logs.
        var token = (await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-token"))).Trim();
        Assert.DoesNotContain(token, stdout, StringComparison.Ordinal);
        Assert.Contains(token, all, StringComparison.Ordinal);
        Assert.Contains("Sluice is listening on", all, StringComparison.Ordinal);
    }

    private static async Task SendTrafficAsync(SluiceProcess server)
    {
        var (_, _, url) = await Http.CreateSourceAsync(server.Api, "Log Events", primaryKey: "id");
        for (var i = 0; i < 4; i++)
        {
            using var posted = await server.Anonymous.PostAsJsonAsync(url, new { id = i, status = "paid" });
            posted.EnsureSuccessStatusCode();
        }

        using var listed = await server.Api.GetAsync("v4/sources");
        listed.EnsureSuccessStatusCode();
    }
}
