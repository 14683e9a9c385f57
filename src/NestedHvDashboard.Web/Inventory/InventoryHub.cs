using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// The live inventory for clients outside the app (wallboards, scripts): the same feed the pages
/// read in-process, relayed as a SignalR stream.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Access.DashboardPolicies.View)]
public sealed class InventoryHub(IInventoryFeed feed) : Hub
{
    /// <summary>The path the hub is mapped at.</summary>
    public const string Path = "/hubs/inventory";

    /// <summary>A snapshot of every host (<paramref name="host"/> null) or one, then its changes until the client stops.</summary>
    public async IAsyncEnumerable<InventoryStreamItem> Subscribe(string? host, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var subscription = feed.Subscribe(string.IsNullOrWhiteSpace(host) ? null : host);
        yield return InventoryStreamItem.Snapshot(subscription.Snapshot);
        await foreach (var batch in subscription.ReadBatchesAsync(cancellationToken))
        {
            yield return InventoryStreamItem.From(batch);
        }
    }
}
