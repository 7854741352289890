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
    /// Checks that <paramref name="part"/> may follow <paramref name="first"/> in one load: same source and schema, sequences
    /// after the part before (<paramref name="previousCheckpoint"/>), and the same batched-at (BEHAVIOUR.md: identical for
    /// every row of a batch). Schema changes are allowed in the first part only.
    /// </summary>
    public static void CheckNext(LoadRequest first, long previousCheckpoint, LoadRequest part)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(part);
        var problem =
            part.SourceId != first.SourceId || part.Schema != first.Schema ? $"belongs to source {part.SourceId} ({part.Schema}), not {first.SourceId} ({first.Schema})"
            : part.Summary.MinSequence <= previousCheckpoint ? $"starts at sequence {part.Summary.MinSequence}, not after the previous part's {previousCheckpoint}"
            : part.Summary.BatchedAt != first.Summary.BatchedAt ? $"was batched at {part.Summary.BatchedAt:O}, not {first.Summary.BatchedAt:O} as the first part"
            : part.SchemaChanges.Count > 0 ? "changes the schema, which only a load's first part may do"
            : null;
        if (problem is not null)
        {
            throw new ArgumentException($"A later part of a load {problem}.", nameof(part));
        }
    }
}
