using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Components;

/// <summary>
/// A page that shows the live inventory: the feed's snapshot first, then every batch applied off
/// the render thread and rendered with one InvokeAsync (at most ~10 re-renders a second). While
/// prerendering it shows the current state only; the live loop belongs to the interactive circuit.
/// </summary>
public abstract class LiveInventoryComponent : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _reading;

    [Inject]
    public required IInventoryFeed Feed { get; init; }

    /// <summary>Every host as the feed last said, in the feed's order.</summary>
    protected IReadOnlyList<HostInventoryState> Hosts { get; private set; } = [];

    protected override void OnInitialized()
    {
        if (!RendererInfo.IsInteractive)
        {
            Hosts = new LiveInventory(Feed.GetSnapshot()).Hosts;
            OnInventoryChanged();
            return;
        }

        var subscription = Feed.Subscribe();
        var live = new LiveInventory(subscription.Snapshot);
        Hosts = live.Hosts;
        OnInventoryChanged();
        _reading = ReadAsync(subscription, live, _stop.Token);
    }

    /// <summary>Called on the render thread after <see cref="Hosts"/> changed, before the re-render.</summary>
    protected virtual void OnInventoryChanged()
    {
    }

    private async Task ReadAsync(InventorySubscription subscription, LiveInventory live, CancellationToken cancellationToken)
    {
        await using (subscription)
        {
            try
            {
                await foreach (var batch in subscription.ReadBatchesAsync(cancellationToken))
                {
                    live.Apply(batch);
                    var hosts = live.Hosts;
                    await InvokeAsync(() =>
                    {
                        Hosts = hosts;
                        OnInventoryChanged();
                        StateHasChanged();
                    });
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The page closed.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reading is not null)
        {
            await _reading;
        }

        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
