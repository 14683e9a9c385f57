using System.Globalization;
using System.Net;
using NestedHvDashboard.PowerShell.Tests.Relay;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// The hidden scenario "relay": <see cref="DelayingRelay"/>s in their own process, so that the listing benchmark's
/// allocation and CPU figures are the dashboard side's alone. Driven line by line on stdin by <see cref="RelayProcess"/>:
/// <c>to &lt;port&gt;</c> (a relay to 127.0.0.1:port; answers <c>port &lt;relay port&gt;</c>), <c>rtt &lt;ms&gt;</c>
/// (every relay's round-trip time; answers <c>ok</c>), <c>bytes</c> (answers <c>bytes &lt;forwarded so far&gt;</c>),
/// <c>exit</c> or end of input.
/// </summary>
internal static class RelayServer
{
    public static async Task<int> RunAsync()
    {
        var relays = new List<DelayingRelay>();
        var roundTrip = TimeSpan.Zero;
        try
        {
            while (await Console.In.ReadLineAsync() is { } line && line.Trim() != "exit")
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                switch (words)
                {
                    case ["to", var port]:
                        var relay = DelayingRelay.Start(new IPEndPoint(IPAddress.Loopback, int.Parse(port, CultureInfo.InvariantCulture)), roundTrip);
                        relays.Add(relay);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"port {relay.Port}"));
                        break;
                    case ["rtt", var milliseconds]:
                        roundTrip = TimeSpan.FromMilliseconds(double.Parse(milliseconds, CultureInfo.InvariantCulture));
                        relays.ForEach(r => r.RoundTrip = roundTrip);
                        Console.WriteLine("ok");
                        break;
                    case ["bytes"]:
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bytes {relays.Sum(r => r.ForwardedBytes)}"));
                        break;
                    default:
                        Console.WriteLine($"error: unknown command '{line}'");
                        break;
                }
            }
        }
        finally
        {
            foreach (var relay in relays)
            {
                await relay.DisposeAsync();
            }
        }

        return 0;
    }
}
