namespace Sluice.Server.Buffering;

/// <summary>One writer's open store: <see cref="Commit"/> writes a batch of appends and makes it durable, or throws and keeps none of it.</summary>
internal interface IBatchCommitter : IDisposable
{
    /// <summary>Writes every append of <paramref name="batch"/> in one durable commit; returns the records written.</summary>
    int Commit(IReadOnlyList<PendingAppend> batch);
}
