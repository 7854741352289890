using Sluice.Core.Buffering;
using Sluice.Core.Normalization;
using Sluice.Core.Sources;
using Sluice.Core.Tables;

namespace Sluice.Core.Tests.Normalization;

/// <summary>Builds batches and plans them the way the loader does, with predictable sequences, times and GUIDs.</summary>
internal static class Planning
{
    public const long SourceId = 7;
    public const string Schema = "shop_events";
    public const long FirstSequence = 1_763_900_000_000_000_000;
    public static readonly DateTime BatchedAt = new(2026, 11, 23, 18, 0, 0, DateTimeKind.Utc);
    public static readonly DateTimeOffset FirstReceivedAt = new(2026, 11, 23, 17, 59, 0, TimeSpan.Zero);

    /// <summary>Records in order: sequence <see cref="FirstSequence"/> + i, received one second apart.</summary>
    public static BufferedRecord[] Records(params string[] jsons) =>
        jsons.Select((json, i) => new BufferedRecord(SourceId, FirstSequence + i, FirstReceivedAt.AddSeconds(i), json)).ToArray();

    public static LoadPlan Plan(string? primaryKey, params string[] jsons) => Plan(primaryKey, [], jsons);

    public static LoadPlan Plan(string? primaryKey, IReadOnlyList<TableSchema> existing, params string[] jsons) =>
        Plan(primaryKey, existing, Records(jsons));

    public static LoadPlan Plan(string? primaryKey, IReadOnlyList<TableSchema> existing, IReadOnlyList<BufferedRecord> records)
    {
        var guids = new GuidSequence();
        return new LoadPlanner().Plan(new LoadContext(SourceId, Schema, primaryKey, guids.Next), records, existing, BatchedAt);
    }

    /// <summary>Plans with a source layout (routing, captured headers, depth) and a table version.</summary>
    public static LoadPlan Plan(SourceLayout layout, string? primaryKey, IReadOnlyList<TableSchema> existing, IReadOnlyList<BufferedRecord> records, long tableVersion = 0)
    {
        var guids = new GuidSequence();
        var context = new LoadContext(SourceId, Schema, primaryKey, guids.Next) { Layout = layout, TableVersion = tableVersion };
        return new LoadPlanner().Plan(context, records, existing, BatchedAt);
    }

    /// <summary>Records of one request each, with the request's kept headers (lowercased names).</summary>
    public static BufferedRecord[] Requests(params (string Json, (string Name, string Value)[] Headers)[] requests) =>
        requests.Select((r, i) => new BufferedRecord(SourceId, FirstSequence + i, FirstReceivedAt.AddSeconds(i), r.Json)
        {
            Headers = r.Headers.ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value),
        }).ToArray();

    /// <summary>The table as the destination would hold it after applying the plan's schema changes to <paramref name="existing"/>.</summary>
    public static TableSchema TableAfter(this LoadPlan plan, string table, IReadOnlyList<TableSchema>? existing = null)
    {
        var columns = existing?.FirstOrDefault(t => t.Name == table)?.Columns.ToList() ?? [];
        IReadOnlyList<string> key = existing?.FirstOrDefault(t => t.Name == table)?.PrimaryKey ?? [];
        var found = columns.Count > 0;
        foreach (var change in plan.SchemaChanges.Where(c => c.Table == table))
        {
            found = true;
            switch (change)
            {
                case CreateTable create:
                    columns = create.Columns.ToList();
                    key = create.PrimaryKey;
                    break;
                case AddColumn add:
                    columns.Add(add.Column);
                    break;
                case RenameColumn rename:
                    var index = columns.FindIndex(c => c.Name == rename.From);
                    columns[index] = columns[index] with { Name = rename.To };
                    break;
            }
        }

        Assert.True(found, $"Table {table} is neither existing nor created by the plan.");
        return new TableSchema(table, columns, key);
    }

    public static IReadOnlyList<string> ColumnNames(this TableSchema table) => table.Columns.Select(c => c.Name).ToArray();

    /// <summary>The rows written to <paramref name="table"/>, as column -> value (absent columns read null).</summary>
    public static IReadOnlyList<Row> RowsOf(this LoadPlan plan, string table)
    {
        var write = plan.Writes.SingleOrDefault(w => w.Table == table);
        if (write is null)
        {
            return [];
        }

        return write.Rows.Select(values =>
        {
            Assert.Equal(write.Columns.Count, values.Length);
            return new Row(write.Columns.Select((c, i) => KeyValuePair.Create(c.Name, values[i])).ToDictionary());
        }).ToArray();
    }

    public static TableSchema Table(string name, params (string Name, ColumnType Type)[] columns) =>
        new(name, columns.Select(c => new ColumnSpec(c.Name, c.Type)).ToArray(), []);

    public static readonly (string, ColumnType)[] RootSystemColumns =
    [
        ("_sdc_received_at", ColumnType.Timestamp),
        ("_sdc_batched_at", ColumnType.Timestamp),
        ("_sdc_sequence", ColumnType.BigInt),
        ("_sdc_table_version", ColumnType.BigInt),
    ];

    /// <summary>An existing root table with the system columns, the key column, then <paramref name="data"/>.</summary>
    public static TableSchema ExistingRoot(string keyColumn, ColumnType keyType, params (string Name, ColumnType Type)[] data) =>
        Table("data", [.. RootSystemColumns, (keyColumn, keyType), .. data]);

    /// <summary>GUIDs 00000001-..., 00000002-...: the load id is the first.</summary>
    public sealed class GuidSequence
    {
        private int _next;

        public Guid Next() => new(++_next, 0, 0, new byte[8]);

        public static string Nth(int n) => new Guid(n, 0, 0, new byte[8]).ToString();
    }
}

/// <summary>One written row; reading a column the write did not list gives null, as in the destination.</summary>
internal sealed class Row(IReadOnlyDictionary<string, object?> values)
{
    public object? this[string column] => values.GetValueOrDefault(column);

    public bool Has(string column) => values.ContainsKey(column);

    public IEnumerable<string> Columns => values.Keys;
}
