using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Components.Pages;

/// <summary>Every host with its VMs and their readiness, live from the in-process inventory feed.</summary>
public sealed partial class Home : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<HostInventoryState> _hosts = [];
    private Task? _reading;

    [Inject]
    public required IInventoryFeed Feed { get; init; }

    [Inject]
    public required HostDirectory Directory { get; init; }

    protected override void OnInitialized()
    {
        if (!RendererInfo.IsInteractive)
        {
            // Prerendering: show the current state; the live loop belongs to the interactive circuit.
            _hosts = new LiveInventory(Feed.GetSnapshot()).Hosts;
            return;
        }

        var subscription = Feed.Subscribe();
        var live = new LiveInventory(subscription.Snapshot);
        _hosts = live.Hosts;
        _reading = ReadAsync(subscription, live, _stop.Token);
    }

    // Batches are applied off the render thread; one InvokeAsync per batch re-renders (at most ~10/s).
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
                        _hosts = hosts;
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
    }

    private static ReadinessCheck WorstOf(HostFacts host, VmSnapshot vm) =>
        ReadinessEvaluator.EvaluateVm(host, vm).OrderByDescending(c => Rank(c.Status)).First();

    private static int Rank(ReadinessStatus status) => status switch
    {
        ReadinessStatus.Fail => 3,
        ReadinessStatus.Unknown => 2,
        ReadinessStatus.Warn => 1,
        _ => 0,
    };

    private static Color ColorOf(ReadinessStatus status) => status switch
    {
        ReadinessStatus.Pass => Color.Success,
        ReadinessStatus.Warn => Color.Warning,
        ReadinessStatus.Fail => Color.Error,
        _ => Color.Default,
    };

    private static Color ColorOf(HostConnectionState state) => state switch
    {
        HostConnectionState.Connected => Color.Success,
        HostConnectionState.Connecting => Color.Info,
        _ => Color.Error,
    };

    private static string SpoofingOf(VmSnapshot vm) => vm.NetworkAdapters.Count switch
    {
        0 => "no adapter",
        _ when vm.NetworkAdapters.All(a => a.MacAddressSpoofing) => "On",
        _ when vm.NetworkAdapters.Any(a => a.MacAddressSpoofing) => "Some",
        _ => "Off",
    };

    private static string FormatBytes(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GB" : $"{bytes >> 20} MB";

    private static string FormatUptime(TimeSpan uptime) => uptime == TimeSpan.Zero
        ? "—"
        : uptime.TotalDays >= 1 ? $"{(int)uptime.TotalDays}d {uptime.Hours}h" : $"{uptime.Hours}h {uptime.Minutes:00}m";
}
