using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Sluice.Server.Tests.Operations;

/// <summary>
/// Log event ids are part of what operators build on (alerts and shippers match on <c>EventId</c>): every event Sluice logs
/// has its own id from <see cref="LogEvents"/>, and README's "Log events" table lists each with its level.
/// </summary>
public sealed partial class LogEventsTests
{
    private static readonly IReadOnlyList<(string Method, LoggerMessageAttribute Attribute)> Events = [.. typeof(LogEvents).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(x => x.Attribute is not null)
        .Select(x => (x.Method, x.Attribute!))];

    private static readonly IReadOnlyDictionary<int, string> Registry = typeof(LogEvents).GetNestedTypes()
        .SelectMany(area => area.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (Id: (int)f.GetRawConstantValue()!, Name: $"{area.Name}.{f.Name}")))
        .ToDictionary(x => x.Id, x => x.Name);

    [Fact]
    public void EveryLoggedEvent_HasItsOwnIdFromTheRegistry()
    {
        Assert.True(Events.Count >= 40, $"Found only {Events.Count} [LoggerMessage] methods.");
        Assert.All(Events, e => Assert.True(Registry.ContainsKey(e.Attribute.EventId), $"{e.Method} logs event id {e.Attribute.EventId}, which is not in LogEvents."));
        var shared = Events.GroupBy(e => e.Attribute.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}").ToList();
        Assert.True(shared.Count == 0, "Event ids used by more than one event: " + string.Join("; ", shared));
        var unused = Registry.Keys.Except(Events.Select(e => e.Attribute.EventId)).Select(id => $"{id} {Registry[id]}").ToList();
        Assert.True(unused.Count == 0, "LogEvents ids no event logs: " + string.Join(", ", unused));
    }

    [Fact]
    public void Readme_ListsEveryEventWithItsLevel()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var table = TableRow().Matches(readme).ToDictionary(m => int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), m => (Level: m.Groups["level"].Value, Name: m.Groups["name"].Value));
        Assert.All(Events, e =>
        {
            Assert.True(table.TryGetValue(e.Attribute.EventId, out var row), $"README's Log events table has no row for {e.Attribute.EventId} ({e.Method}).");
            Assert.Equal((e.Attribute.Level.ToString(), Registry[e.Attribute.EventId]), row);
        });
        Assert.Equal(Events.Count, table.Count);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Sluice.slnx above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^\| (?<id>\d{4}) \| (?<level>\w+) \| `(?<name>[\w.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
