using System.Globalization;
using System.Runtime.CompilerServices;
using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Server.Loading;

/// <summary>
/// A reload (<c>POST /v4/sources/{id}/reload</c>): the source's tables rebuilt from the raw archive and what is pending, with
/// the layout as it is now, in ONE destination transaction. The old tables are dropped in that transaction, so readers see the
/// old tables or the new ones, never a half-built one; rows carry the next <c>_sdc_table_version</c> and the load's hooks say
/// <c>new_version: true</c>.
/// </summary>
public sealed partial class SourceLoader
{
    /// <summary>
    /// Rebuilds <paramref name="target"/>'s tables; returns what it did. Refuses (nothing changed, the reason in
    /// <see cref="ReloadOutcome.Refused"/>) when the archive no longer holds every record the tables were built from: the
    /// rows of swept records would be lost.
    /// </summary>
    /// <exception cref="Exception">Any destination failure: nothing was committed, the old tables stand.</exception>
    public async Task<ReloadOutcome> ReloadAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var startedAt = time.GetTimestamp();
        var destination = await destinations.GetAsync(target.ClientId, cancellationToken);
        var checkpoint = await destination.GetCheckpointAsync(target.SourceId, cancellationToken);
        if (checkpoint > 0)
        {
            // Records a crash left behind after their commit move to the archive first, where the reload reads them.
            await buffer.DeleteThroughAsync(target.SourceId, checkpoint, cancellationToken);
        }

        var version = await destination.GetTableVersionAsync(target.SourceId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var firstArchived = (await buffer.ReadArchivedAsync(target.SourceId, 0, 1, long.MaxValue, cancellationToken)).FirstOrDefault();
        var oldestLoad = (await destination.GetLoadsAsync(target.SourceId, DateTime.MinValue, 1, cancellationToken)).FirstOrDefault();
        if (oldestLoad is not null && (firstArchived is null || firstArchived.Sequence > oldestLoad.MinSequence))
        {
            var refused = firstArchived is null
                ? "The raw archive holds none of this source's loaded records (Buffer:Retention passed, or is 0), so a reload would empty its tables; nothing was changed."
                : string.Create(CultureInfo.InvariantCulture,
                    $"The raw archive starts at the record received {firstArchived.ReceivedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; older records, whose rows are in the tables, were swept after Buffer:Retention, so a reload would lose them; nothing was changed.");
            LogReloadRefused(logger, target.SourceId, target.Schema, refused);
            return new ReloadOutcome(now, (int)version, 0, 0, refused);
        }

        if (firstArchived is null && (await buffer.ReadAsync(target.SourceId, checkpoint, 1, long.MaxValue, cancellationToken)).Count == 0)
        {
            const string nothing = "The source has no records to reload: none loaded, none in the raw archive, none pending; nothing was changed.";
            LogReloadRefused(logger, target.SourceId, target.Schema, nothing);
            return new ReloadOutcome(now, (int)version, 0, 0, nothing);
        }

        var newVersion = version + 1;
        var (records, rejected) = (0L, 0L);
        var lastSequence = checkpoint;
        var parts = ReloadPartsAsync(target, destination, newVersion, now, (part, last) =>
        {
            records += part.Records;
            rejected += part.Request.Rejections.Count;
            lastSequence = Math.Max(lastSequence, last);
        }, cancellationToken);
        LoadSummary summary;
        using (var transaction = StartTransaction(destination))
        {
            summary = await destination.CommitLoadAsync(parts, cancellationToken);
        }

        TagLoad(System.Diagnostics.Activity.Current, summary, records, rejected);
        Committed(target.ClientId, summary);
        await LogLoadAsync(target, destination, summary, records, startedAt, cancellationToken);

        // What was pending is loaded now: it joins the archive, like the records of any load.
        if (lastSequence > checkpoint)
        {
            await buffer.DeleteThroughAsync(target.SourceId, lastSequence, cancellationToken);
        }

        var recovered = Math.Max(0, summary.SupersededRejections - rejected);
        LogReloaded(logger, target.SourceId, target.Schema, newVersion, records, summary.Tables.Sum(t => t.RowsLoaded), recovered);
        return new ReloadOutcome(time.GetUtcNow().UtcDateTime, (int)newVersion, records, recovered);
    }

    /// <summary>
    /// The parts of a reload: the archive in sequence order, then the pending records, each part planned against the tables the
    /// part before it leaves (the first against none), all with one batched-at. The first part carries <see cref="LoadRequest.Reload"/>.
    /// A part is read and planned when the destination asks for it, so one part at a time is held.
    /// </summary>
    private async IAsyncEnumerable<LoadRequest> ReloadPartsAsync(
        LoadTarget target, IDestination destination, long version, DateTime batchedAt, Action<PreparedLoad, long> handingOut,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var o = options.Value;
        var partRecords = PartRecords(o);
        IReadOnlyList<TableSchema> tables = [];
        var after = 0L;
        var archived = true;
        var first = true;
        while (true)
        {
            // Pending records received after the reload's batched-at wait for the next load (ReceivedBy).
            var read = archived
                ? await buffer.ReadArchivedAsync(target.SourceId, after, partRecords, o.MaxBytes, cancellationToken)
                : ReceivedBy(await buffer.ReadAsync(target.SourceId, after, partRecords, o.MaxBytes, cancellationToken), batchedAt);
            if (read.Count == 0)
            {
                if (!archived)
                {
                    yield break;
                }

                archived = false;
                continue;
            }

            long bytes = 0;
            foreach (var record in read)
            {
                bytes += record.Utf8Json.Length;
            }

            var part = Plan(target, destination, read, bytes, tables, batchedAt, version, newVersion: true);
            var request = first ? part.Request with { Reload = new LoadReload(version, read[0].Sequence) } : part.Request;
            tables = part.TablesAfter;
            after = read[^1].Sequence;
            handingOut(part, after);
            yield return request;
            first = false;
        }
    }

    [LoggerMessage(EventId = LogEvents.Loading.Reloaded, Level = LogLevel.Information, Message = "Reloaded source {SourceId} into schema {Schema} at table version {Version}: {Records} records, {Rows} rows, {Recovered} formerly rejected records loaded")]
    private static partial void LogReloaded(ILogger logger, long sourceId, string schema, long version, long records, long rows, long recovered);

    [LoggerMessage(EventId = LogEvents.Loading.ReloadRefused, Level = LogLevel.Warning, Message = "Reload of source {SourceId} ({Schema}) refused: {Reason}")]
    private static partial void LogReloadRefused(ILogger logger, long sourceId, string schema, string reason);
}
