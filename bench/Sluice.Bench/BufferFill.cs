using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sluice.Server.Buffering;

namespace Sluice.Bench;

/// <summary>Writes records into a real <c>buffer.db</c> through the ingest path's own writer (group commit, fsync), before any timing.</summary>
public static class BufferFill
{
    /// <summary>Appends records 1..<paramref name="count"/> of <paramref name="make"/> for <paramref name="sourceId"/>, as requests of <paramref name="perRequest"/>.</summary>
    public static async Task<long> FillAsync(BufferDatabase database, long sourceId, long count, Func<long, string> make, int perRequest, CancellationToken cancellationToken)
    {
        var writer = new GroupCommitWriter(database, Options.Create(new GroupCommitOptions()), TimeProvider.System, NullLogger<GroupCommitWriter>.Instance);
        await writer.StartAsync(cancellationToken);
        long bytes = 0;
        try
        {
            var inFlight = new Queue<Task<AppendOutcome>>();
            for (long first = 1; first <= count; first += perRequest)
            {
                var records = new List<string>(perRequest);
                for (var n = first; n < first + perRequest && n <= count; n++)
                {
                    var json = make(n);
                    bytes += json.Length;
                    records.Add(json);
                }

                inFlight.Enqueue(writer.AppendAsync(sourceId, records, cancellationToken).AsTask());
                if (inFlight.Count >= 16)
                {
                    Expect(await inFlight.Dequeue());
                }
            }

            while (inFlight.Count > 0)
            {
                Expect(await inFlight.Dequeue());
            }
        }
        finally
        {
            await writer.StopAsync(cancellationToken);
            writer.Dispose();
        }

        return bytes;
    }

    private static void Expect(AppendOutcome outcome)
    {
        if (outcome != AppendOutcome.Accepted)
        {
            throw new InvalidOperationException($"The buffer writer answered {outcome} while filling the buffer.");
        }
    }
}
