using Sluice.Testing;

namespace Sluice.Server.Tests.Loading;

/// <summary>A test class with a server of its own, started with the class's loading settings before its tests and stopped after.</summary>
public abstract class ServerPerClass(IDictionary<string, string?> settings) : IAsyncLifetime
{
    /// <summary>Loads start only for full batches of <paramref name="records"/> records (the interval is an hour away), so a test decides when they happen; <paramref name="more"/> adds or overrides settings.</summary>
    protected static Dictionary<string, string?> FullBatchesOf(int records, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Loading:Interval"] = "01:00:00",
            ["Loading:MaxRecords"] = records.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Loading:PollInterval"] = "00:00:00.05",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    protected SluiceServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SluiceServer.StartAsync(settings: settings);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
