using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>Limits of the inventory hub, from the <c>Inventory:Hub</c> section.</summary>
public sealed class InventoryHubOptions
{
    /// <summary>
    /// How many <see cref="InventoryHub.Subscribe"/> streams one connection may have open at once (default 8). SignalR's
    /// <c>MaximumParallelInvocationsPerClient</c> does not count streams, so the hub counts them itself.
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 8;
}

/// <summary>
/// The live inventory for clients outside the app (wallboards, scripts): the same feed the pages
/// read in-process, relayed as a SignalR stream.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Access.DashboardPolicies.View)]
public sealed partial class InventoryHub(IInventoryFeed feed, InventoryHubOptions options) : Hub
{
    /// <summary>The path the hub is mapped at.</summary>
    public const string Path = "/hubs/inventory";

    private static readonly object StreamsKey = new();

    /// <inheritdoc />
    public override Task OnConnectedAsync()
    {
        // Made before any invocation of this connection, so the streams never race to create it.
        Context.Items[StreamsKey] = new OpenStreams();
        return base.OnConnectedAsync();
    }

    /// <summary>
    /// A snapshot of every host (<paramref name="host"/> null) or one, then its changes until the client stops; each
    /// item carries the readiness of the VMs it is about (<see cref="InventoryStreamItem.Readiness"/>).
    /// </summary>
    public async IAsyncEnumerable<InventoryStreamItem> Subscribe(string? host, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var streams = (OpenStreams)Context.Items[StreamsKey]!;
        if (!streams.TryOpen(options.MaxStreamsPerConnection))
        {
            throw new HubException(
                $"This connection already has {options.MaxStreamsPerConnection} inventory streams open, the most one connection may have " +
                "(Inventory:Hub:MaxStreamsPerConnection); stop one before subscribing again.");
        }

        try
        {
            await using var subscription = feed.Subscribe(string.IsNullOrWhiteSpace(host) ? null : host);
            yield return InventoryStreamItem.Snapshot(subscription.Snapshot);
            var readiness = new StreamReadiness(subscription.Snapshot);
            await foreach (var batch in subscription.ReadBatchesAsync(cancellationToken))
            {
                yield return InventoryStreamItem.From(batch, readiness);
            }
        }
        finally
        {
            streams.Close();
        }
    }

    private sealed class OpenStreams
    {
        private int _count;

        public bool TryOpen(int limit)
        {
            if (Interlocked.Increment(ref _count) <= limit)
            {
                return true;
            }

            Interlocked.Decrement(ref _count);
            return false;
        }

        public void Close() => Interlocked.Decrement(ref _count);
    }
}
