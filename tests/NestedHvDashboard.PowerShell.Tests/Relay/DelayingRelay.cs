using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace NestedHvDashboard.PowerShell.Tests.Relay;

/// <summary>
/// A TCP relay on loopback that adds a set round-trip time, half of it to each direction (this kernel has no netem):
/// every chunk read from one side is written to the other no earlier than <see cref="RoundTrip"/> / 2 after it was
/// read. Chunks queue rather than wait for each other, so the delay is latency, not a bandwidth limit. Half-closes and
/// resets pass through. <see cref="RoundTrip"/> can change at any time; it applies to chunks read from then on.
/// </summary>
public sealed class DelayingRelay : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Socket> _open = [];
    private readonly Task _accepting;
    private long _oneWayTicks;
    private long _bytes;

    private DelayingRelay(IPEndPoint target, TimeSpan roundTrip)
    {
        _target = target;
        RoundTrip = roundTrip;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The loopback port to connect to instead of the target.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The time added to a round trip: half on the way there, half on the way back.</summary>
    public TimeSpan RoundTrip
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _oneWayTicks) * 2);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _oneWayTicks, value.Ticks / 2);
        }
    }

    /// <summary>Bytes forwarded so far, both directions together.</summary>
    public long ForwardedBytes => Interlocked.Read(ref _bytes);

    /// <summary>Listens on 127.0.0.1 (a free port) and forwards every connection to <paramref name="target"/>.</summary>
    public static DelayingRelay Start(IPEndPoint target, TimeSpan roundTrip)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTrip, TimeSpan.Zero);
        if (!IPAddress.IsLoopback(target.Address))
        {
            throw new ArgumentException($"The relay forwards to loopback only, not to {target}.", nameof(target));
        }

        return new DelayingRelay(target, roundTrip);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_gate)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }

            _open.Clear();
        }

        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.NoDelay = true;
        server.NoDelay = true;
        if (!Track(client) || !Track(server))
        {
            Close(client, server);
            return;
        }

        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away, or the relay stops: the connection ends on both sides.
        }
        finally
        {
            Close(client, server);
        }
    }

    /// <summary>One direction: a reader stamps each chunk with its due time, a writer sends it once due.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Buffer, int Length, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writing = WriteAsync(chunks.Reader, to);
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                int length;
                try
                {
                    length = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                var due = Stopwatch.GetTimestamp() + (long)(Interlocked.Read(ref _oneWayTicks) * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));
                chunks.Writer.TryWrite((buffer, length, due));
                if (length == 0)
                {
                    break; // the sender half-closed: pass it on once its data is through
                }
            }
        }
        catch
        {
            Close(from, to); // a reset on one side resets the other: nothing queued will arrive anyway
            throw;
        }
        finally
        {
            chunks.Writer.TryComplete();
            await writing;
        }
    }

    private async Task WriteAsync(ChannelReader<(byte[] Buffer, int Length, long Due)> chunks, Socket to)
    {
        try
        {
            await foreach (var (buffer, length, due) in chunks.ReadAllAsync(_stop.Token))
            {
                try
                {
                    await WaitUntilAsync(due);
                    if (length == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        continue;
                    }

                    for (var sent = 0; sent < length;)
                    {
                        sent += await to.SendAsync(buffer.AsMemory(sent, length - sent), SocketFlags.None, _stop.Token);
                    }

                    Interlocked.Add(ref _bytes, length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The receiving side is gone; the reader ends on its own (or already has).
        }
    }

    /// <summary>Never earlier than <paramref name="due"/>; timers may fire late on a busy machine, never early here.</summary>
    private async Task WaitUntilAsync(long due)
    {
        while (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) is var remaining && remaining > TimeSpan.Zero)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), _stop.Token);
        }
    }

    private bool Track(Socket socket)
    {
        lock (_gate)
        {
            return !_stop.IsCancellationRequested && _open.Add(socket);
        }
    }

    private void Close(Socket first, Socket second)
    {
        lock (_gate)
        {
            _open.Remove(first);
            _open.Remove(second);
        }

        first.Dispose();
        second.Dispose();
    }
}
