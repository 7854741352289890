using Sluice.Core.Buffering;
using Sluice.Core.Normalization;
using Sluice.Core.Tables;
using Sluice.Server.Ingestion;

namespace Sluice.Fuzz;

/// <summary>
/// One fuzz input through what a webhook body meets before the destination: <see cref="IngestBodyParser"/> (as the ingest
/// endpoint calls it), then, for an accepted body, <see cref="LoadPlanner"/> twice (append-only, and keyed by <c>id</c>, so
/// upserts, key rejections and type splits are planned too), each plan turned into its load request. Bad input is a value
/// all the way (a 400 reason, a rejected record), so any exception here is a defect: it crashes the fuzzer.
/// </summary>
internal static class IngestTarget
{
    private const int MaxDepth = 64;

    private static readonly LoadPlanner Planner = new();

    private static readonly DateTime BatchedAt = new(2026, 11, 25, 16, 0, 0, DateTimeKind.Utc);

    public static void Run(ReadOnlySpan<byte> body)
    {
        var parsed = IngestBodyParser.Parse(body, MaxDepth);
        if (!parsed.Succeeded)
        {
            if (string.IsNullOrWhiteSpace(parsed.Error) || parsed.Records.Length != 0)
            {
                throw new InvalidOperationException($"A refused body must have a reason and no records; got '{parsed.Error}' and {parsed.Records.Length} records.");
            }

            return;
        }

        var bytes = body.ToArray();
        var records = new List<BufferedRecord>(parsed.Records.Length);
        var sequence = 1_764_086_400_000_000_000L;
        foreach (var range in parsed.Records)
        {
            records.Add(new BufferedRecord(1, sequence++, BatchedAt, bytes.AsMemory(range)));
        }

        if (records.Count == 0)
        {
            return;
        }

        foreach (var key in new[] { null, "id" })
        {
            var guids = 0;
            var context = new LoadContext(1, "fuzz", key, () => new Guid(++guids, 0, 0, new byte[8]));
            var plan = Planner.Plan(context, records, [], BatchedAt);
            var tables = plan.TablesAfter(Array.Empty<TableSchema>());
            var request = plan.ToLoadRequest();
            if (request.CheckpointSequence != records[^1].Sequence)
            {
                throw new InvalidOperationException($"The plan's checkpoint {request.CheckpointSequence} is not the last record's sequence {records[^1].Sequence}.");
            }

            // The next batch of the same source is planned against the tables this one leaves.
            Planner.Plan(context, records, tables, BatchedAt.AddSeconds(1)).ToLoadRequest();
        }
    }
}
