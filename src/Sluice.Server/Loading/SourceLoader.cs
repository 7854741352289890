using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;
using Sluice.Core.Tables;
using Sluice.Server.Buffering;
using Sluice.Server.Destinations;
using Sluice.Server.Operations;

namespace Sluice.Server.Loading;

/// <summary>
/// One load of one source: resume from the destination's checkpoint, plan the tables, commit everything in one
/// destination transaction, and only then delete the loaded records from the buffer.
/// </summary>
public sealed partial class SourceLoader(
    IRecordBuffer buffer,
    IDestinationProvider destinations,
    ILoadTargetCatalog catalog,
    LoadPlanner planner,
    IEnumerable<ILoadCommittedSignal> listeners,
    TimeProvider time,
    IOptions<LoadingOptions> options,
    ILogger<SourceLoader> logger,
    SluiceMetrics? metrics = null,
    LoadLog? loadLog = null,
    ILoadIdSource? loadIds = null)
{
    private readonly ILoadIdSource _loadIds = loadIds ?? RandomLoadIds.Instance;

    /// <summary>Loads the next batch of <paramref name="sourceId"/>; returns null when nothing was pending.</summary>
    /// <exception cref="Exception">Any destination failure: nothing was committed and the records stay in the buffer.</exception>
    public async Task<LoadSummary?> LoadOnceAsync(long sourceId, CancellationToken cancellationToken)
    {
        var load = await PrepareAsync(sourceId, cancellationToken);
        if (load is null)
        {
            return null;
        }

        var loaded = await CommitAsync(load, cancellationToken);
        await loaded.BufferDelete;
        return loaded.Summary;
    }

    /// <summary>
    /// Reads and plans the next batch (a load's first part) of <paramref name="sourceId"/> after the checkpoint stored in the
    /// destination, against the destination's tables; null when nothing is pending. Nothing is written.
    /// </summary>
    /// <param name="maxRecords">While a failed load is split: the most records this load takes, in one part (else the options' limits).</param>
    public async Task<PreparedLoad?> PrepareAsync(long sourceId, CancellationToken cancellationToken, int? maxRecords = null)
    {
        var target = await catalog.GetAsync(sourceId, cancellationToken)
            ?? throw new InvalidOperationException($"Source {sourceId} has buffered records but is not in the control plane.");
        var destination = await destinations.GetAsync(target.ClientId, cancellationToken);

        // The checkpoint lives in the destination, committed with the rows: after a crash between that commit and the
        // buffer delete, the records up to it are already loaded, so drop them instead of loading them twice.
        var checkpoint = await destination.GetCheckpointAsync(sourceId, cancellationToken);
        if (checkpoint > 0)
        {
            await buffer.DeleteThroughAsync(sourceId, checkpoint, cancellationToken);
        }

        var version = await destination.GetTableVersionAsync(sourceId, cancellationToken);
        return maxRecords is { } cap
            ? await PlanCappedAsync(target, destination, checkpoint, version, tables: null, cap, cancellationToken)
            : await PlanAsync(target, destination, checkpoint, version, tables: null, batchedAtUtc: null, cancellationToken);
    }

    /// <summary>A load of at most <paramref name="cap"/> records in one part (<see cref="PreparedLoad.Capped"/>), whatever is pending.</summary>
    private async Task<PreparedLoad?> PlanCappedAsync(
        LoadTarget target, IDestination destination, long checkpoint, long version, IReadOnlyList<TableSchema>? tables, int cap, CancellationToken cancellationToken)
    {
        var load = await PlanAsync(target, destination, checkpoint, version, tables, batchedAtUtc: null, cancellationToken, maxRecords: Math.Max(1, cap));
        return load is null ? null : load with { Capped = true };
    }

    /// <summary>
    /// Commits <paramref name="single"/>, a load of one record the destination failed on alone, as that record's rejection
    /// instead: a row of <c>_sdc_rejected</c> in its root table with <paramref name="reason"/> and the record, the checkpoint
    /// past it and the load summary, in one transaction; the records around it load as usual.
    /// </summary>
    public async Task<CommittedLoad> RejectAsync(PreparedLoad single, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(single);
        var (target, destination, request) = (single.Target, single.Destination, single.Request);
        var after = request.AfterCheckpoint ?? 0;
        var records = await buffer.ReadAsync(target.SourceId, after, 1, options.Value.MaxBytes, cancellationToken);
        if (single.Records != 1 || records.Count != 1 || records[0].Sequence != request.CheckpointSequence)
        {
            throw new InvalidOperationException($"Source {target.SourceId}: only a load of one record can be rejected whole, not {single.Records} records through sequence {request.CheckpointSequence}.");
        }

        var summary = request.Summary;
        var root = summary.Tables.FirstOrDefault(t => t.Table == t.RootTable)?.Table ?? summary.Tables.FirstOrDefault()?.RootTable ?? "data";
        var rejection = new RejectedRecord(summary.BatchedAt, root, reason, RejectedRecordText.Truncate(System.Text.Encoding.UTF8.GetString(records[0].Utf8Json.Span)));
        var rejected = request with
        {
            SchemaChanges = [],
            Writes = [],
            Mappings = [],
            Rejections = [rejection],
            Summary = summary with { Tables = [new TableLoadStats(root, root, root, 0, 1, null, null, null, single.TableVersion)] },
        };
        LoadSummary committedSummary;
        using (var transaction = StartTransaction(destination))
        {
            committedSummary = await destination.CommitLoadAsync(LoadParts.Of(rejected), cancellationToken);
        }

        TagLoad(Activity.Current, committedSummary, records: 1, rejected: 1);
        Committed(target.ClientId, committedSummary);
        await LogLoadAsync(target, destination, committedSummary, 1, single.StartedAt, cancellationToken);
        LogRejectedWhole(logger, target.SourceId, request.CheckpointSequence, reason);
        var tablesAfter = await destination.GetTablesAsync(target.Schema, cancellationToken);
        return new CommittedLoad(
            target, destination, committedSummary, request.CheckpointSequence, tablesAfter,
            DeletePartsAsync(target.SourceId, [request.CheckpointSequence], cancellationToken), single.TableVersion);
    }

    /// <summary>
    /// Commits <paramref name="first"/> in one destination transaction (rows, rejections, checkpoint, summary); only then
    /// do its records leave the buffer, about <see cref="LoadingOptions.MaxRecords"/> at a time, in
    /// <see cref="CommittedLoad.BufferDelete"/>, which the caller awaits (it may plan the next load meanwhile). The load
    /// takes what is pending up to <see cref="LoadingOptions.MaxRecords"/>, and under a backlog (another full part pending)
    /// further parts in the same transaction, up to <see cref="LoadingOptions.MaxRecordsPerLoad"/> records and about
    /// <see cref="LoadingOptions.MaxRowsPerLoad"/> rows; each part is read and planned while the one before it is written,
    /// and a part that changes the schema is left for a load of its own.
    /// </summary>
    /// <exception cref="Exception">Any destination failure: nothing was committed and the records stay in the buffer.</exception>
    /// <param name="progress">Filled while the load is written: how many records and through which sequence were handed to the destination.</param>
    public async Task<CommittedLoad> CommitAsync(PreparedLoad first, CancellationToken cancellationToken, LoadProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        var (target, destination) = (first.Target, first.Destination);
        var (records, rejected) = (0, 0);
        var checkpoints = new List<long>();
        var deletedFrom = 0;
        IReadOnlyList<TableSchema> tablesAfter = first.TablesAfter;
        var load = Activity.Current;
        var partCount = 0;
        var parts = PartsAsync(
            first,
            part =>
            {
                partCount++;
                RecordPart(load, part);
                // The records leave the buffer about MaxRecords at a time: short write transactions, and few of them.
                if (checkpoints.Count == 0 || records - deletedFrom >= options.Value.MaxRecords)
                {
                    checkpoints.Add(part.Request.CheckpointSequence);
                    deletedFrom = records;
                }
                else
                {
                    checkpoints[^1] = part.Request.CheckpointSequence;
                }

                records += part.Records;
                rejected += part.Request.Rejections.Count;
                tablesAfter = part.TablesAfter;
                progress?.Handed(part.Records, part.Request.CheckpointSequence);
            },
            cancellationToken);
        LoadSummary summary;
        using (var transaction = StartTransaction(destination))
        {
            try
            {
                summary = await destination.CommitLoadAsync(parts, cancellationToken);
            }
            catch (Exception ex)
            {
                transaction.Failed(ex);
                throw;
            }

            transaction?.SetTag("sluice.parts", partCount);
        }

        TagLoad(load, summary, records, rejected);
        Committed(target.ClientId, summary);
        await LogLoadAsync(target, destination, summary, records, first.StartedAt, cancellationToken);
        LogLoaded(logger, target.SourceId, target.Schema, records, summary.Tables.Sum(t => t.RowsLoaded), rejected);
        return new CommittedLoad(
            target, destination, summary, checkpoints[^1], tablesAfter, DeletePartsAsync(target.SourceId, checkpoints, cancellationToken), first.TableVersion);
    }

    /// <summary>
    /// Reads and plans the load after <paramref name="previous"/> when a backlog goes on (a full part pending past it),
    /// against the tables it left; null otherwise. Runs beside <paramref name="previous"/>'s buffer delete: what it reads
    /// lies past the checkpoint, which the destination already holds.
    /// </summary>
    /// <param name="maxRecords">While a failed load is split: the most records the next load takes, in one part; it is planned whenever records are pending.</param>
    public Task<PreparedLoad?> PrepareAfterAsync(CommittedLoad previous, CancellationToken cancellationToken, int? maxRecords = null)
    {
        ArgumentNullException.ThrowIfNull(previous);
        if (maxRecords is { } cap)
        {
            return PlanCappedAsync(previous.Target, previous.Destination, previous.Checkpoint, previous.TableVersion, previous.TablesAfter, cap, cancellationToken);
        }

        return PlanAsync(previous.Target, previous.Destination, previous.Checkpoint, previous.TableVersion, previous.TablesAfter, batchedAtUtc: null, cancellationToken, backlogOnly: true);
    }

    /// <summary>
    /// How many planned parts may wait for the destination besides the one it writes and the one being planned: parts vary
    /// (a garbage collection, a slower read), and with a planned part waiting the destination does not stop for the planner
    /// after each slow one. 1,000,000 flat events into DuckDB, alternated runs: a part planned only while the one before is
    /// written 135-154k rows/s, one waiting 150-169k, two waiting 142-154k (more alive in each collection).
    /// </summary>
    private const int PartsAhead = 1;

    /// <summary>How many records one part takes: <see cref="LoadingOptions.PartRecords"/>, at most <see cref="LoadingOptions.MaxRecords"/>.</summary>
    private static int PartRecords(LoadingOptions o) => Math.Max(1, Math.Min(o.PartRecords, o.MaxRecords));

    /// <summary>
    /// Deletes a committed load's records about <see cref="LoadingOptions.MaxRecords"/> at a time: each delete is one short
    /// write transaction, so the ingest writer's commits go on between them instead of waiting for the whole load's records.
    /// </summary>
    private async Task DeletePartsAsync(long sourceId, List<long> checkpoints, CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var checkpoint in checkpoints)
        {
            await buffer.DeleteThroughAsync(sourceId, checkpoint, cancellationToken);
        }
    }

    /// <summary>
    /// The parts of the load that starts with <paramref name="first"/>; <paramref name="handingOut"/> sees each part just
    /// before it is handed out. The parts are read and planned one after another by a task of their own, up to
    /// <see cref="PartsAhead"/> parts ahead of the one being written, so the destination rarely waits for the planner.
    /// </summary>
    private async IAsyncEnumerable<LoadRequest> PartsAsync(
        PreparedLoad first, Action<PreparedLoad> handingOut, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var planned = Channel.CreateBounded<PreparedLoad>(new BoundedChannelOptions(PartsAhead) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var planning = Task.Run(() => PlanPartsAsync(first, planned.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (await planned.Reader.WaitToReadAsync(cancellationToken))
            {
                while (planned.Reader.TryRead(out var part))
                {
                    handingOut(part);
                    yield return part.Request;
                }
            }

            // Planning stopped: a limit, the end of the backlog, a part that changes the schema, or a failure (thrown here).
            await planning;
        }
        finally
        {
            // Also when the destination gave up on the load: stop planning and let the part in hand finish unobserved.
            await stop.CancelAsync();
            await planning.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Plans the parts of the load that starts with <paramref name="first"/> in order into <paramref name="planned"/>, each
    /// against the checkpoint and tables the part before it leaves, while the load may take more; completes
    /// <paramref name="planned"/> when it stops (a failure is thrown to whoever awaits this).
    /// </summary>
    private async Task PlanPartsAsync(PreparedLoad first, ChannelWriter<PreparedLoad> planned, CancellationToken cancellationToken)
    {
        try
        {
            var o = options.Value;
            var (target, destination) = (first.Target, first.Destination);
            var batchedAt = first.Request.Summary.BatchedAt;
            var (records, bytes, rows) = (0, 0L, 0L);
            var current = first;
            while (true)
            {
                await planned.WriteAsync(current, cancellationToken);
                if (first.Capped)
                {
                    // A split load is this one part.
                    return;
                }

                records += current.Records;
                bytes += current.Bytes;
                rows += current.Request.Summary.Tables.Sum(t => t.RowsLoaded);
                var (checkpoint, tables) = (current.Request.CheckpointSequence, current.TablesAfter);
                PreparedLoad? next;
                if (records < o.MaxRecords && bytes < o.MaxBytes)
                {
                    // Within the first MaxRecords / MaxBytes a load takes what is pending, as one read of that size would.
                    var (maxRecords, maxBytes) = (Math.Min(PartRecords(o), o.MaxRecords - records), o.MaxBytes - bytes);
                    next = await PlanAsync(target, destination, checkpoint, first.TableVersion, tables, batchedAt, cancellationToken, maxRecords, maxBytes);
                }
                else if (records + PartRecords(o) <= o.MaxRecordsPerLoad && rows < o.MaxRowsPerLoad)
                {
                    // Past them, only a backlog's full parts.
                    next = await PlanAsync(target, destination, checkpoint, first.TableVersion, tables, batchedAt, cancellationToken, backlogOnly: true);
                }
                else
                {
                    return;
                }

                // A part that changes the schema waits for a load of its own (planned again, with that load's batched-at).
                if (next is not { Request.SchemaChanges.Count: 0 })
                {
                    return;
                }

                current = next;
            }
        }
        finally
        {
            planned.TryComplete();
        }
    }

    /// <param name="backlogOnly">
    /// Plan only a backlog's part: a full one, <see cref="PartRecords"/> records (or, as the read stops before
    /// the record that would pass <see cref="LoadingOptions.MaxBytes"/>, at least half of that). What trickles in while a
    /// load is written waits until it is due, so a steady trickle cannot keep a transaction open (its rows unseen) with ever
    /// more small parts.
    /// </param>
    /// <param name="maxRecords">The most records to read; default <see cref="PartRecords"/>.</param>
    /// <param name="maxBytes">The most bytes of JSON to read past the first record; default <see cref="LoadingOptions.MaxBytes"/>.</param>
    private async Task<PreparedLoad?> PlanAsync(
        LoadTarget target, IDestination destination, long checkpoint, long tableVersion, IReadOnlyList<TableSchema>? tables, DateTime? batchedAtUtc,
        CancellationToken cancellationToken, int? maxRecords = null, long? maxBytes = null, bool backlogOnly = false)
    {
        var startedAt = time.GetTimestamp();
        var o = options.Value;
        var partRecords = maxRecords ?? PartRecords(o);
        var readStarted = DateTime.UtcNow;
        var records = await buffer.ReadAsync(target.SourceId, checkpoint, partRecords, maxBytes ?? o.MaxBytes, cancellationToken);
        if (batchedAtUtc is { } loadBatchedAt)
        {
            // A later part of a load shares the load's batched-at, taken when its first part was planned: what arrived since
            // waits for the next load, so no row is ever batched before it was received (consumers use it as a watermark).
            records = ReceivedBy(records, loadBatchedAt);
        }

        long bytes = 0;
        foreach (var record in records)
        {
            bytes += record.Utf8Json.Length;
        }

        if (records.Count == 0 || (backlogOnly && records.Count < partRecords && bytes * 2 < o.MaxBytes))
        {
            return null;
        }

        tables ??= await destination.GetTablesAsync(target.Schema, cancellationToken);
        return Plan(target, destination, records, bytes, tables, batchedAtUtc ?? time.GetUtcNow().UtcDateTime, tableVersion, newVersion: false, afterCheckpoint: checkpoint, readStarted)
            with { StartedAt = startedAt };
    }

    /// <summary>
    /// The leading records of <paramref name="records"/> (in sequence order) received at or before <paramref name="batchedAtUtc"/>:
    /// the read stops at the first one received later, so the rest keep their order for the next load.
    /// </summary>
    internal static IReadOnlyList<BufferedRecord> ReceivedBy(IReadOnlyList<BufferedRecord> records, DateTime batchedAtUtc)
    {
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].ReceivedAt.UtcDateTime > batchedAtUtc)
            {
                return i == 0 ? [] : records.Take(i).ToList();
            }
        }

        return records;
    }

    /// <summary>Plans read <paramref name="records"/> against <paramref name="tables"/> with the source's layout; rows at <paramref name="tableVersion"/>.</summary>
    private PreparedLoad Plan(
        LoadTarget target, IDestination destination, IReadOnlyList<BufferedRecord> records, long bytes, IReadOnlyList<TableSchema> tables, DateTime batchedAt,
        long tableVersion, bool newVersion, long? afterCheckpoint = null, DateTime? readStarted = null)
    {
        var planStarted = DateTime.UtcNow;
        var context = new LoadContext(target.SourceId, target.Schema, target.PrimaryKey, _loadIds.NewGuid)
        {
            Layout = target.Layout ?? Core.Sources.SourceLayout.Default,
            TableVersion = tableVersion,
            NewVersion = newVersion,
        };
        var started = time.GetTimestamp();
        var plan = planner.Plan(context, records, tables, batchedAt);
        metrics?.PartPlanned(time.GetElapsedTime(started));
        var request = plan.ToLoadRequest() with { AfterCheckpoint = afterCheckpoint };
        return new PreparedLoad(target, destination, request, records.Count, bytes, plan.TablesAfter(tables), tableVersion)
        {
            ReadStartedAt = readStarted ?? planStarted,
            PlannedAt = DateTime.UtcNow,
        };
    }

    /// <summary>
    /// The span of one part of <paramref name="load"/> (its buffer read and plan), recorded when the part is handed to the
    /// destination with the times it was read and planned at: parts are planned ahead on a task of their own, some before the
    /// load's transaction starts, and only a part that is loaded has a span.
    /// </summary>
    private static void RecordPart(Activity? load, PreparedLoad part)
    {
        if (load is not { Recorded: true })
        {
            return;
        }

        using var span = SluiceTracing.Source.StartActivity(
            SluiceTracing.LoadPart, ActivityKind.Internal, load.Context, tags: null, links: null, new DateTimeOffset(part.ReadStartedAt, TimeSpan.Zero));
        if (span is null)
        {
            return;
        }

        span.SetTag("sluice.records", part.Records);
        span.SetTag("sluice.bytes", part.Bytes);
        span.SetTag("sluice.rows", part.Request.Summary.Tables.Sum(t => t.RowsLoaded));
        span.SetTag("sluice.rejected", part.Request.Rejections.Count);
        span.SetTag("sluice.checkpoint", part.Request.CheckpointSequence);
        span.SetTag("sluice.schema_changes", part.Request.SchemaChanges.Count);
        span.SetEndTime(part.PlannedAt);
    }

    /// <summary>The span of one destination transaction (rows, rejections, checkpoint and summary), a child of the load's.</summary>
    private static Activity? StartTransaction(IDestination destination)
    {
        var span = SluiceTracing.Source.StartActivity(SluiceTracing.LoadTransaction);
        span?.SetTag("sluice.destination", destination.GetType().Name.Replace("Destination", string.Empty, StringComparison.Ordinal).ToLowerInvariant());
        return span;
    }

    /// <summary>What a committed load did, on its span: the load id (its deliveries and <c>_sluice_loads</c> row carry it), records and rows.</summary>
    internal static void TagLoad(Activity? load, LoadSummary summary, long records, long rejected)
    {
        if (load is not { IsAllDataRequested: true })
        {
            return;
        }

        load.SetTag("sluice.load_id", summary.LoadId.ToString());
        load.SetTag("sluice.schema", summary.Schema);
        load.SetTag("sluice.records", records);
        load.SetTag("sluice.rows", summary.Tables.Sum(t => t.RowsLoaded));
        load.SetTag("sluice.rejected", rejected);
        load.SetTag("sluice.min_sequence", summary.MinSequence);
        load.SetTag("sluice.max_sequence", summary.MaxSequence);
    }

    /// <summary>Tells whoever listens for committed loads (the hook outbox on a dispatcher node; nobody elsewhere).</summary>
    private void Committed(long clientId, LoadSummary summary)
    {
        foreach (var listener in listeners)
        {
            listener.LoadCommitted(clientId, summary);
        }
    }

    /// <summary>Adds the load to the control plane's log (<see cref="LoadLog"/>) when one is registered; never fails the load.</summary>
    private Task LogLoadAsync(LoadTarget target, IDestination destination, LoadSummary summary, long records, long startedAt, CancellationToken cancellationToken) =>
        loadLog is null ? Task.CompletedTask : loadLog.RecordAsync(target, destination, summary, records, startedAt, cancellationToken);

    [LoggerMessage(EventId = LogEvents.Loading.RejectedWhole, Level = LogLevel.Warning, Message = "Source {SourceId}: the record at sequence {Sequence} could not be loaded on its own and went to _sdc_rejected: {Reason}")]
    private static partial void LogRejectedWhole(ILogger logger, long sourceId, long sequence, string reason);

    [LoggerMessage(EventId = LogEvents.Loading.Loaded, Level = LogLevel.Information, Message = "Loaded source {SourceId} into schema {Schema}: {Records} records, {Rows} rows, {Rejected} rejected")]
    private static partial void LogLoaded(ILogger logger, long sourceId, string schema, int records, long rows, int rejected);
}
