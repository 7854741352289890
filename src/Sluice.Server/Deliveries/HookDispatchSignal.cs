using System.Threading.Channels;

namespace Sluice.Server.Deliveries;

/// <summary>
/// Wakes the <see cref="HookDispatcher"/> at once: the outbox added deliveries, a delivery was replayed, an endpoint slot
/// freed up. Coalescing: many wakes before the dispatcher looks are one wake. Lossless for the purpose (a wake after the
/// dispatcher drained the signal always causes another round), and the dispatcher also polls as a safety net.
/// </summary>
public sealed class HookDispatchSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Wake() => _channel.Writer.TryWrite(true);

    /// <summary>Forgets earlier wakes: call right before looking for work, so a wake after it means new work.</summary>
    internal void Drain()
    {
        while (_channel.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Waits for a wake; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.</summary>
    internal async Task WaitAsync(CancellationToken cancellationToken) => await _channel.Reader.ReadAsync(cancellationToken);
}
