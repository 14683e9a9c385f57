using System.Runtime.CompilerServices;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// A watch that runs on the host itself (it reads locally and sends only what changed), for the
/// hosts it <see cref="Supports"/>. It refuses a host it cannot watch that way by throwing
/// <see cref="HostOperationException"/> of kind <see cref="HostErrorKind.HostRefused"/> before its
/// first inventory.
/// </summary>
public interface IHostSideInventoryWatch : IHostInventoryWatch
{
    /// <summary>True when <paramref name="host"/> is of a kind this watch can run on.</summary>
    bool Supports(MonitoredHost host);
}

/// <summary>
/// The monitor's watch: the host-side watch where it applies, the fallback (polling) for every other
/// host and for a host that refuses to run the host-side watch (e.g. a JEA endpoint without
/// Start-Sleep). The choice is made on every call, i.e. again on every reconnect.
/// </summary>
public sealed class HostSideFirstInventoryWatch : IHostInventoryWatch
{
    private readonly IHostSideInventoryWatch _hostSide;
    private readonly IHostInventoryWatch _fallback;

    public HostSideFirstInventoryWatch(IHostSideInventoryWatch hostSide, IHostInventoryWatch fallback)
    {
        _hostSide = hostSide ?? throw new ArgumentNullException(nameof(hostSide));
        _fallback = fallback ?? throw new ArgumentNullException(nameof(fallback));
    }

    public async IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (_hostSide.Supports(host))
        {
            var enumerator = _hostSide.WatchAsync(host, cancellationToken).GetAsyncEnumerator(cancellationToken);
            var refused = false;
            try
            {
                bool any;
                try
                {
                    any = await enumerator.MoveNextAsync();
                }
                catch (HostOperationException error) when (error.Kind == HostErrorKind.HostRefused)
                {
                    refused = true;
                    any = false;
                }

                if (!refused)
                {
                    if (!any)
                    {
                        yield break;
                    }

                    yield return enumerator.Current;
                    while (await enumerator.MoveNextAsync())
                    {
                        yield return enumerator.Current;
                    }

                    yield break;
                }
            }
            finally
            {
                await enumerator.DisposeAsync();
            }
        }

        await foreach (var inventory in _fallback.WatchAsync(host, cancellationToken))
        {
            yield return inventory;
        }
    }
}
