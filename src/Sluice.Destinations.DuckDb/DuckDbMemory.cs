namespace Sluice.Destinations.DuckDb;

/// <summary>
/// The memory limit <see cref="DuckDbDestinationOptions.AutoMemoryLimit"/> gives a DuckDB file: 64 MiB plus 1.25 MiB per
/// column of its widest table, or of all the tables a load is about to write together, in steps of 64 MiB, at least
/// 128 MiB and at most <see cref="Cap"/> (what a table at the full width needs).
/// </summary>
/// <remarks>
/// DuckDB pins at least one 256 KiB block per column (and one for its validity) of every table a transaction appends to,
/// and its checkpoint about as much again: a table at the full width (1,600 columns with the overflow) failed its loads
/// with 256 MB and its checkpoint with 1 GB ("failed to pin block", 953.5 MiB used, which invalidates the database), and
/// loads with 2 GB; this gives it 2,112 MiB. A table of narrow events (20 columns) gets 128 MiB, where a fixed 2 GB let
/// DuckDB's buffer pool hold 600 MB more than the soak needed (peak RSS 787-833 MB with 2 GB, 515 MB with 128 MB, at
/// the same 10-11k events/s).
/// </remarks>
public static class DuckDbMemory
{
    private const long MiB = 1024 * 1024;
    private const long Step = 64 * MiB;

    /// <summary>The largest limit it gives: 2,112 MiB, for <see cref="Sluice.Core.Normalization.ColumnNamer.MaxColumns"/> columns.</summary>
    public static readonly long Cap = Uncapped(Sluice.Core.Normalization.ColumnNamer.MaxColumns);

    /// <summary>The limit, in bytes, for a load (or a file's widest table) of <paramref name="columns"/> columns.</summary>
    public static long LimitFor(int columns) => Math.Min(Cap, Uncapped(columns));

    private static long Uncapped(int columns)
    {
        var needed = (64 * MiB) + ((long)Math.Max(0, columns) * 5 * MiB / 4);
        return Math.Max(128 * MiB, (needed + Step - 1) / Step * Step);
    }

    /// <summary>The limit as DuckDB's setting spells it (<c>2112MiB</c>).</summary>
    public static string Setting(long bytes) => (bytes / MiB).ToString(System.Globalization.CultureInfo.InvariantCulture) + "MiB";

    /// <summary>
    /// The limit DuckDB reports for <c>current_setting('memory_limit')</c> (<c>128.0 MiB</c>, <c>1.9 GiB</c>), in bytes, or
    /// <paramref name="requested"/> when the report is that limit as DuckDB rounds it (one decimal, so within 5%).
    /// </summary>
    public static long Applied(string setting, long requested)
    {
        var parts = setting.Split(' ', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return requested;
        }

        var unit = parts[1] switch
        {
            "bytes" => 1d,
            "KiB" => 1024d,
            "MiB" => MiB,
            "GiB" => 1024d * MiB,
            "TiB" => 1024d * 1024 * MiB,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            _ => 0d,
        };
        if (unit == 0)
        {
            return requested;
        }

        var applied = (long)(value * unit);
        return Math.Abs(applied - requested) <= requested / 20 ? requested : applied;
    }
}
