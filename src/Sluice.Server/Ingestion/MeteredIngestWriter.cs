using Sluice.Core.Buffering;
using Sluice.Server.Buffering;
using Sluice.Server.Operations;

namespace Sluice.Server.Ingestion;

/// <summary>
/// The buffer's writer as the webhook URLs use it: each append's outcome is counted (<see cref="SluiceMetrics.RecordsAccepted"/>,
/// <see cref="SluiceMetrics.IngestOverloaded"/>) before the request is answered. Anything else that appends (the benchmark's
/// floor) uses a writer without it, and so is not counted as ingest.
/// </summary>
internal sealed class MeteredIngestWriter(IIngestWriter writer, SluiceMetrics metrics) : IIngestWriter
{
    public ValueTask<AppendOutcome> AppendAsync(long sourceId, Utf8Records records, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var append = writer.AppendAsync(sourceId, records, headers, cancellationToken);
        return append.IsCompletedSuccessfully ? ValueTask.FromResult(Count(append.Result, records.Count)) : CountAsync(append, records.Count);
    }

    private async ValueTask<AppendOutcome> CountAsync(ValueTask<AppendOutcome> append, int records) => Count(await append, records);

    private AppendOutcome Count(AppendOutcome outcome, int records)
    {
        if (outcome == AppendOutcome.Accepted)
        {
            metrics.RecordsAccepted(records);
        }
        else
        {
            metrics.IngestOverloaded();
        }

        return outcome;
    }
}
