using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NestedHvDashboard.PowerShell.Tests.Relay;

/// <summary>
/// The listing benchmark's stand-in for network latency. Timings are asserted as lower bounds only: a busy machine makes
/// things later, never earlier.
/// </summary>
public sealed class DelayingRelayTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Bytes_pass_intact_both_ways_and_half_closes_pass_through()
    {
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        await using var relay = DelayingRelay.Start((IPEndPoint)target.LocalEndpoint, TimeSpan.FromMilliseconds(2));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, relay.Port);
        using var server = await target.AcceptSocketAsync().WaitAsync(Limit);
        var up = Random(3_000_001, seed: 1);
        var down = Random(2_000_003, seed: 2);

        // Both directions at once, more than the relay's chunk size, ending in a half-close each.
        var sending = Task.WhenAll(SendAndCloseAsync(client, up), SendAndCloseAsync(server, down));
        var received = await Task.WhenAll(ReceiveToEndAsync(server), ReceiveToEndAsync(client)).WaitAsync(Limit);
        await sending;

        Assert.Equal(up, received[0]);
        Assert.Equal(down, received[1]);
        Assert.Equal(up.Length + down.Length, relay.ForwardedBytes);
    }

    [Fact]
    public async Task Each_direction_takes_at_least_half_the_round_trip_and_a_new_round_trip_applies_at_once()
    {
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        await using var relay = DelayingRelay.Start((IPEndPoint)target.LocalEndpoint, TimeSpan.Zero);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, relay.Port);
        using var server = await target.AcceptSocketAsync().WaitAsync(Limit);
        await PingAsync(client, server); // connected through

        relay.RoundTrip = TimeSpan.FromMilliseconds(300);
        var (there, back) = await PingAsync(client, server);

        Assert.True(there >= TimeSpan.FromMilliseconds(150), $"client to server took {there.TotalMilliseconds} ms");
        Assert.True(back >= TimeSpan.FromMilliseconds(150), $"server to client took {back.TotalMilliseconds} ms");
    }

    [Fact]
    public void Only_loopback_targets_are_relayed()
    {
        var error = Assert.Throws<ArgumentException>(() => DelayingRelay.Start(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 22), TimeSpan.Zero));

        Assert.Contains("192.0.2.1:22", error.Message, StringComparison.Ordinal);
    }

    /// <summary>One byte from the client to the server, then one back: how long each way took.</summary>
    private static async Task<(TimeSpan There, TimeSpan Back)> PingAsync(Socket client, Socket server)
    {
        var buffer = new byte[1];
        var sent = Stopwatch.GetTimestamp();
        await client.SendAsync(new byte[] { 7 });
        Assert.Equal(1, await server.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Limit));
        var there = Stopwatch.GetElapsedTime(sent);

        sent = Stopwatch.GetTimestamp();
        await server.SendAsync(new byte[] { 8 });
        Assert.Equal(1, await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Limit));
        return (there, Stopwatch.GetElapsedTime(sent));
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task SendAndCloseAsync(Socket socket, byte[] bytes)
    {
        // Odd-sized pieces, so chunk boundaries fall anywhere.
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = Math.Min(7919, bytes.Length - offset);
            offset += await socket.SendAsync(bytes.AsMemory(offset, length));
        }

        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task<byte[]> ReceiveToEndAsync(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[65536];
        while (await socket.ReceiveAsync(buffer) is var length and > 0)
        {
            received.Write(buffer, 0, length);
        }

        return received.ToArray();
    }
}
