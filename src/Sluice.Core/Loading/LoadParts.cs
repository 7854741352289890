namespace Sluice.Core.Loading;

/// <summary>Helpers for loads made of parts (<see cref="IDestination.CommitLoadAsync(IAsyncEnumerable{LoadRequest}, CancellationToken)"/>).</summary>
public static class LoadParts
{
    /// <summary>A load of one part.</summary>
    public static async IAsyncEnumerable<LoadRequest> Of(LoadRequest load)
    {
        ArgumentNullException.ThrowIfNull(load);
        await Task.CompletedTask.ConfigureAwait(false);
        yield return load;
    }

    /// <summary>
    /// Hands the parts of one load to <paramref name="applyPart"/> one at a time, in order (with true for the first), each
    /// later part checked against the first (<see cref="CheckNext"/>); returns what the load's bookkeeping needs: its source,
    /// the last part's checkpoint and <see cref="LoadSummary.Combine"/> of the parts' summaries. A part is asked for only
    /// once the one before it is applied, and nothing of a part is held after it.
    /// </summary>
    public static async Task<AppliedLoad> ApplyAsync(IAsyncEnumerable<LoadRequest> parts, Func<LoadRequest, bool, Task> applyPart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(applyPart);
        LoadRequest? head = null;
        var summaries = new List<LoadSummary>();
        var checkpoint = 0L;
        await foreach (var part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (head is null)
            {
                head = part with { SchemaChanges = [], Writes = [], Rejections = [] };
            }
            else
            {
                CheckNext(head, checkpoint, part);
            }

            await applyPart(part, summaries.Count == 0).ConfigureAwait(false);
            summaries.Add(part.Summary);
            checkpoint = part.CheckpointSequence;
        }

        return head is null
            ? throw new ArgumentException("A load has at least one part.", nameof(parts))
            : new AppliedLoad(head.SourceId, head.Schema, checkpoint, LoadSummary.Combine(summaries)) { AfterCheckpoint = head.AfterCheckpoint };
    }

    /// <summary>
    /// Checks that <paramref name="part"/> may follow <paramref name="first"/> in one load: same source and schema, sequences
    /// after the part before (<paramref name="previousCheckpoint"/>), and the same batched-at (BEHAVIOUR.md: identical for
    /// every row of a batch). Schema changes are allowed in the first part only, except in a reload, which builds its tables
    /// from nothing in one transaction.
    /// </summary>
    public static void CheckNext(LoadRequest first, long previousCheckpoint, LoadRequest part)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(part);
        var problem =
            part.SourceId != first.SourceId || part.Schema != first.Schema ? $"belongs to source {part.SourceId} ({part.Schema}), not {first.SourceId} ({first.Schema})"
            : part.Summary.MinSequence <= previousCheckpoint ? $"starts at sequence {part.Summary.MinSequence}, not after the previous part's {previousCheckpoint}"
            : part.Summary.BatchedAt != first.Summary.BatchedAt ? $"was batched at {part.Summary.BatchedAt:O}, not {first.Summary.BatchedAt:O} as the first part"
            : part.SchemaChanges.Count > 0 && first.Reload is null ? "changes the schema, which only a load's first part (or any part of a reload) may do"
            : part.Reload is not null ? "asks for a reload, which only a load's first part may do"
            : null;
        if (problem is not null)
        {
            throw new ArgumentException($"A later part of a load {problem}.", nameof(part));
        }
    }
}

/// <summary>What <see cref="LoadParts.ApplyAsync"/> leaves for the end of a load's transaction.</summary>
public sealed record AppliedLoad(long SourceId, string Schema, long Checkpoint, LoadSummary Summary)
{
    /// <summary>The checkpoint the load started after (<see cref="LoadRequest.AfterCheckpoint"/>), checked before the new one is written; null: not checked.</summary>
    public long? AfterCheckpoint { get; init; }
}
