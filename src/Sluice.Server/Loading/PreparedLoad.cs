using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Server.Loading;

/// <summary>
/// A planned, not yet committed load of one source (<see cref="SourceLoader.PrepareAsync"/>): the request for the
/// destination, how much of the buffer it covers, and the tables as they will be after it, so the next batch can be
/// planned while this one commits. <paramref name="TableVersion"/> is the source's table version its rows carry.
/// </summary>
public sealed record PreparedLoad(
    LoadTarget Target,
    IDestination Destination,
    LoadRequest Request,
    int Records,
    long Bytes,
    IReadOnlyList<TableSchema> TablesAfter,
    long TableVersion = 0);

/// <summary>
/// A committed load (<see cref="SourceLoader.CommitAsync"/>): its summary, the checkpoint and tables it leaves, and the
/// deletion of its records from the buffer, still running when the commit returns.
/// </summary>
public sealed record CommittedLoad(
    LoadTarget Target,
    IDestination Destination,
    LoadSummary Summary,
    long Checkpoint,
    IReadOnlyList<TableSchema> TablesAfter,
    Task BufferDelete,
    long TableVersion = 0);
