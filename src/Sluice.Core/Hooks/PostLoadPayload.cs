using System.Globalization;
using System.Text.Json.Serialization;
using Sluice.Core.Loading;

namespace Sluice.Core.Hooks;

/// <summary>
/// The body of one post-load hook request: one per root table per load, its subtables in <see cref="Tables"/>
/// (BEHAVIOUR.md §6.5-6.6; DESIGN.md "Loads and post-load hooks"). Serialized with snake_case names.
/// </summary>
public sealed record PostLoadPayload(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("minimum_sdc_batched_at")] string MinimumSdcBatchedAt,
    [property: JsonPropertyName("integration_name")] string IntegrationName,
    [property: JsonPropertyName("new_version")] bool NewVersion,
    [property: JsonPropertyName("source_root_table_name")] string SourceRootTableName,
    [property: JsonPropertyName("destination_root_table_name")] string DestinationRootTableName,
    [property: JsonPropertyName("table_version")] long TableVersion,
    [property: JsonPropertyName("tables")] IReadOnlyList<PostLoadTable> Tables)
{
    public const string CurrentVersion = "1.0";

    /// <summary>
    /// The payloads of a load: one per root table that loaded or rejected rows. <c>integration_name</c> is the schema;
    /// <c>max_time_extracted</c> the latest <c>_sdc_received_at</c>; <c>bookmark_metadata</c> the <c>_sdc_sequence</c> range
    /// of the loaded rows, so a receiver can select exactly them, and null when every row was rejected; <c>table_version</c>
    /// the rows' <c>_sdc_table_version</c>, and <c>new_version</c> true for a reload, which replaced the tables.
    /// </summary>
    public static IReadOnlyList<PostLoadPayload> FromLoad(LoadSummary load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var batchedAt = Timestamp(load.BatchedAt);
        return load.Tables
            .Where(t => t.RowsLoaded > 0 || t.RowsRejected > 0)
            .GroupBy(t => t.RootTable, StringComparer.Ordinal)
            .Select(group =>
            {
                // The root first, then its subtables in the order the load listed them.
                var tables = group.OrderBy(t => t.Table == group.Key ? 0 : 1).Select(t => Table(t, load)).ToList();
                var root = group.FirstOrDefault(t => t.Table == group.Key);
                var rootSource = root?.SourceTableName ?? group.Key;
                var version = root?.TableVersion ?? group.Max(t => t.TableVersion);
                return new PostLoadPayload(CurrentVersion, batchedAt, load.Schema, group.Any(t => t.NewVersion), rootSource, group.Key, version, tables);
            })
            .ToList();
    }

    private static PostLoadTable Table(TableLoadStats stats, LoadSummary load)
    {
        IReadOnlyList<BookmarkMetadata>? bookmark = stats.RowsLoaded > 0 && stats.MinSequence is { } min && stats.MaxSequence is { } max
            ? [new BookmarkMetadata("_sdc_sequence", min.ToString(CultureInfo.InvariantCulture), max.ToString(CultureInfo.InvariantCulture))]
            : null;
        return new PostLoadTable(
            stats.SourceTableName,
            stats.Table,
            stats.RowsLoaded,
            stats.RowsRejected,
            Timestamp(stats.MaxReceivedAt ?? load.MaxReceivedAt),
            bookmark);
    }

    /// <summary>ISO-8601 UTC with milliseconds and <c>Z</c>, as Stitch's example payload writes them.</summary>
    public static string Timestamp(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>One table of a <see cref="PostLoadPayload"/>.</summary>
public sealed record PostLoadTable(
    [property: JsonPropertyName("source_table_name")] string SourceTableName,
    [property: JsonPropertyName("destination_table_name")] string DestinationTableName,
    [property: JsonPropertyName("num_rows")] long NumRows,
    [property: JsonPropertyName("num_rows_rejected")] long NumRowsRejected,
    [property: JsonPropertyName("max_time_extracted")] string MaxTimeExtracted,
    [property: JsonPropertyName("bookmark_metadata")] IReadOnlyList<BookmarkMetadata>? BookmarkMetadata);

/// <summary>The replication key range of a table's loaded rows.</summary>
public sealed record BookmarkMetadata(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("min_value")] string MinValue,
    [property: JsonPropertyName("max_value")] string MaxValue);
