using System.Globalization;
using System.Text;

namespace Sluice.Bench;

/// <summary>One machine-readable line per run on stdout (<c>RESULT mode=... destination=... key=value ...</c>); bench/run-loading.sh tabulates them.</summary>
public static class BenchResult
{
    public static void Print(string mode, string destination, Dictionary<string, double> values)
    {
        var line = new StringBuilder("RESULT mode=").Append(mode).Append(" destination=").Append(destination);
        foreach (var (key, value) in values)
        {
            line.Append(' ').Append(key).Append('=').Append(value.ToString(value == Math.Floor(value) ? "0" : "0.###", CultureInfo.InvariantCulture));
        }

        Console.WriteLine(line.ToString());
    }
}
