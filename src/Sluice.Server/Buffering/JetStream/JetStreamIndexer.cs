using System.Globalization;
using System.Text.Json;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Sluice.Server.Buffering.JetStream;

/// <summary>
/// Keeps this node's <see cref="JetStreamIndex"/>: reads every source's cursor, then follows the record stream from its
/// first message, headers only, and the cursor bucket's changes (other nodes' loads). Starts again, from the cursors, after
/// any failure (NATS down, a server lost): the index is rebuilt, never guessed.
/// </summary>
public sealed partial class JetStreamIndexer(JetStreamConnection connection, JetStreamIndex index, TimeProvider time, ILogger<JetStreamIndexer> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var cursors = await connection.GetCursorsAsync(stoppingToken);
                await LoadCursorsAsync(cursors, stoppingToken);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var watching = WatchCursorsAsync(cursors, stop.Token);
                var following = FollowStreamAsync(stop.Token);
                var ended = await Task.WhenAny(watching, following);
                await stop.CancelAsync();
                await Task.WhenAll(watching, following).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await ended;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                index.CaughtUp = false;
                LogIndexFailed(logger, ex);
                try
                {
                    await Task.Delay(RetryDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task LoadCursorsAsync(INatsKVStore cursors, CancellationToken cancellationToken)
    {
        await foreach (var key in cursors.GetKeysAsync(cancellationToken: cancellationToken))
        {
            var entry = await cursors.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken);
            if (entry.Success && Parse(key, entry.Value.Value) is var (sourceId, cursor))
            {
                index.SetCursor(sourceId, cursor);
            }
        }
    }

    private async Task WatchCursorsAsync(INatsKVStore cursors, CancellationToken cancellationToken)
    {
        await foreach (var entry in cursors.WatchAsync<byte[]>(opts: new NatsKVWatchOpts { IgnoreDeletes = true }, cancellationToken: cancellationToken))
        {
            if (Parse(entry.Key, entry.Value) is var (sourceId, cursor))
            {
                index.SetCursor(sourceId, cursor, time.GetUtcNow());
            }
        }
    }

    private async Task FollowStreamAsync(CancellationToken cancellationToken)
    {
        var options = connection.Options;
        var prefix = options.SubjectPrefix + ".";
        var consumer = await connection.JetStream.CreateOrderedConsumerAsync(
            options.Stream,
            new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.All, HeadersOnly = true },
            cancellationToken);
        var streamInfo = await connection.JetStream.GetStreamAsync(options.Stream, cancellationToken: cancellationToken);
        if (streamInfo.Info.State.Messages == 0)
        {
            index.CaughtUp = true;
        }

        await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: cancellationToken))
        {
            var metadata = message.Metadata ?? throw new InvalidOperationException("A JetStream message came without its metadata.");
            var sequence = metadata.Sequence.Stream;
            if (message.Subject.StartsWith(prefix, StringComparison.Ordinal)
                && long.TryParse(message.Subject.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sourceId)
                && RecordMessage.ReadSummary(message.Headers) is { } summary)
            {
                index.Add(sourceId, sequence, summary);
            }
            else
            {
                index.Skip(sequence);
                LogForeignMessage(logger, message.Subject, sequence);
            }

            if (metadata.NumPending == 0)
            {
                index.CaughtUp = true;
            }
        }
    }

    internal static (long SourceId, SourceCursor Cursor)? Parse(string key, byte[]? value)
    {
        if (value is null || value.Length == 0 || !long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var sourceId))
        {
            return null;
        }

        return JsonSerializer.Deserialize(value, JetStreamJson.Default.SourceCursor) is { } cursor ? (sourceId, cursor) : null;
    }

    [LoggerMessage(EventId = LogEvents.JetStream.IndexFailed, Level = LogLevel.Warning, Message = "The buffer's index of the NATS record stream stopped; it is rebuilt from the cursors in a second")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.JetStream.ForeignMessage, Level = LogLevel.Warning, Message = "Message {Sequence} on {Subject} in the record stream is not a Sluice record message; it is left alone")]
    private static partial void LogForeignMessage(ILogger logger, string subject, ulong sequence);
}
