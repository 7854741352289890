using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Sluice.Server.Buffering.JetStream;

/// <summary>
/// The node's one connection to the NATS servers, and the buffer's stream and cursor bucket, created on first use (by
/// whichever node comes first) and checked again after a failure, so a node started while NATS is down answers 503 until
/// it is up and then works without a restart. The client reconnects by itself after losing a server.
/// </summary>
public sealed partial class JetStreamConnection : IAsyncDisposable
{
    /// <summary>How long after a failed set-up the next caller tries again (callers in between fail at once).</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly JetStreamOptions _options;
    private readonly BufferOptions _buffer;
    private readonly TimeProvider _time;
    private readonly ILogger<JetStreamConnection> _logger;
    private readonly Lock _setUpLock = new();
    private Task<Ready>? _setUp;
    private Ready? _ready;
    private DateTimeOffset _failedAt = DateTimeOffset.MinValue;
    private Exception? _lastFailure;

    public JetStreamConnection(IOptions<JetStreamOptions> options, IOptions<BufferOptions> buffer, TimeProvider time, ILogger<JetStreamConnection> logger)
    {
        _options = options.Value;
        _buffer = buffer.Value;
        _time = time;
        _logger = logger;
        NodeId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        Connection = new NatsConnection(new NatsOpts
        {
            Url = string.Join(',', _options.Urls),
            Name = "sluice " + NodeId,
            RetryOnInitialConnect = true,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
            CommandTimeout = _options.PublishTimeout,
            RequestTimeout = _options.PublishTimeout,
        });
        JetStream = new NatsJSContext(Connection);
    }

    /// <summary>This process in message ids and connection names.</summary>
    public string NodeId { get; }

    public NatsConnection Connection { get; }

    public NatsJSContext JetStream { get; }

    public JetStreamOptions Options => _options;

    /// <summary>Why the last set-up failed, while it has not succeeded since; null when ready.</summary>
    public Exception? LastFailure => _ready is null ? _lastFailure : null;

    /// <summary>True when connected and the stream and bucket are there.</summary>
    public bool IsReady => _ready is not null && Connection.ConnectionState == NatsConnectionState.Open;

    /// <summary>The largest message the servers take (their <c>max_payload</c>), once connected.</summary>
    public int MaxPayload => (int)Math.Min(int.MaxValue, Connection.ServerInfo?.MaxPayload ?? 1024 * 1024);

    /// <summary>The cursor bucket; sets up the stream and bucket first if needed.</summary>
    /// <exception cref="JetStreamUnavailableException">NATS cannot be reached or refused the set-up.</exception>
    public async ValueTask<INatsKVStore> GetCursorsAsync(CancellationToken cancellationToken) => (await EnsureAsync(cancellationToken)).Cursors;

    /// <summary>
    /// Connects and creates (or checks) the stream and the cursor bucket once; later calls return at once. Callers at the same
    /// time share one set-up, and none waits longer than <see cref="JetStreamOptions.PublishTimeout"/>.
    /// </summary>
    /// <exception cref="JetStreamUnavailableException">NATS cannot be reached or refused the set-up.</exception>
    public async ValueTask<Ready> EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready is { } ready)
        {
            return ready;
        }

        Task<Ready> setUp;
        lock (_setUpLock)
        {
            if (_setUp is null || _setUp.IsFaulted || _setUp.IsCanceled)
            {
                if (_time.GetUtcNow() - _failedAt < RetryAfterFailure)
                {
                    throw new JetStreamUnavailableException(Describe(_lastFailure), _lastFailure);
                }

                _setUp = SetUpAsync();
            }

            setUp = _setUp;
        }

        try
        {
            return await setUp.WaitAsync(_options.PublishTimeout, _time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new JetStreamUnavailableException(Describe(ex), ex);
        }
    }

    private async Task<Ready> SetUpAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.PublishTimeout);

            // With RetryOnInitialConnect the client keeps trying in the background; this set-up gives up after the timeout.
            await Connection.ConnectAsync().AsTask().WaitAsync(timeout.Token);
            if (Connection.ConnectionState != NatsConnectionState.Open)
            {
                throw new NatsException($"not connected to {_options.Url}");
            }

            await JetStream.CreateOrUpdateStreamAsync(
                new StreamConfig(_options.Stream, [_options.SubjectPrefix + ".*"])
                {
                    Storage = StreamConfigStorage.File,
                    NumReplicas = _options.Replicas,
                    Retention = StreamConfigRetention.Limits,
                    Discard = StreamConfigDiscard.New,
                    DuplicateWindow = TimeSpan.FromMinutes(2),
                    Description = "Sluice: records accepted by ingest, not yet loaded (and the raw archive of loaded ones).",
                },
                timeout.Token);
            var cursors = await new NatsKVContext(JetStream).CreateOrUpdateStoreAsync(
                new NatsKVConfig(_options.CursorBucket)
                {
                    History = 1,
                    NumberOfReplicas = _options.Replicas,
                    Storage = NatsKVStorageType.File,
                    Description = "Sluice: each source's position in the record stream.",
                },
                timeout.Token);
            if (MaxPayload < 20 * 1024 * 1024)
            {
                LogSmallPayload(_logger, MaxPayload);
            }

            _ready = new Ready(cursors);
            _lastFailure = null;
            LogReady(_logger, _options.Url, _options.Stream, _options.Replicas, _buffer.Retention);
            return _ready;
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or TimeoutException)
        {
            _failedAt = _time.GetUtcNow();
            _lastFailure = ex;
            LogSetUpFailed(_logger, _options.Url, ex);
            throw new JetStreamUnavailableException(Describe(ex), ex);
        }
    }

    private string Describe(Exception? ex) =>
        $"NATS JetStream at {_options.Url} is not available{(ex is null ? "" : ": " + ex.Message)}";

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
    }

    /// <summary>What a set-up leaves.</summary>
    public sealed record Ready(INatsKVStore Cursors);

    [LoggerMessage(EventId = LogEvents.JetStream.Ready, Level = LogLevel.Information, Message = "Buffer on NATS JetStream {Url}: stream {Stream}, {Replicas} replicas, archive retention {Retention}")]
    private static partial void LogReady(ILogger logger, string url, string stream, int replicas, TimeSpan retention);

    [LoggerMessage(EventId = LogEvents.JetStream.SetUpFailed, Level = LogLevel.Warning, Message = "NATS JetStream at {Url} is not available; ingest answers 503 until it is")]
    private static partial void LogSetUpFailed(ILogger logger, string url, Exception exception);

    [LoggerMessage(EventId = LogEvents.JetStream.SmallPayload, Level = LogLevel.Warning, Message = "The NATS servers take messages of at most {MaxPayload} bytes (max_payload); requests are split into parts of that size, and a single record larger than that is refused with 413. Set max_payload: 24MB on every server to take every record ingest accepts (up to 20 MB)")]
    private static partial void LogSmallPayload(ILogger logger, int maxPayload);
}

/// <summary>The JetStream buffer cannot be reached, or refused a write: nothing was stored; answer 503.</summary>
public sealed class JetStreamUnavailableException(string message, Exception? inner) : Exception(message, inner);
