using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Components.Pages;

/// <summary>Every host with its VMs and their readiness, read once per visit (the live feed comes later).</summary>
public partial class Home
{
    private List<HostView> _hosts = [];
    private bool _loading;

    [Inject]
    public required HostDirectory Directory { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _hosts = [.. Directory.Settings.Select(s => new HostView(s))];
        await RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        _loading = true;
        // Hosts are read in parallel; a slow or failing host only affects its own card.
        await Task.WhenAll(_hosts.Select(async view =>
        {
            try
            {
                var inventory = await Directory[view.Settings.Name].GetInventoryAsync();
                view.Inventory = inventory;
                view.HostChecks = ReadinessEvaluator.EvaluateHost(inventory.Facts);
                view.Error = null;
            }
            catch (HostOperationException ex)
            {
                view.Error = ex.Message;
            }

            await InvokeAsync(StateHasChanged);
        }));
        _loading = false;
    }

    private static ReadinessCheck WorstOf(HostFacts host, VmSnapshot vm) =>
        ReadinessEvaluator.EvaluateVm(host, vm).OrderByDescending(c => Severity(c.Status)).First();

    private static int Severity(ReadinessStatus status) => status switch
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

    private static string SpoofingOf(VmSnapshot vm) => vm.NetworkAdapters.Count switch
    {
        0 => "no adapter",
        _ when vm.NetworkAdapters.All(a => a.MacAddressSpoofing) => "On",
        _ when vm.NetworkAdapters.Any(a => a.MacAddressSpoofing) => "Some",
        _ => "Off",
    };

    private static string FormatBytes(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GB" : $"{bytes >> 20} MB";

    private sealed class HostView(HostConnectionSettings settings)
    {
        public HostConnectionSettings Settings { get; } = settings;

        public HostInventory? Inventory { get; set; }

        public IReadOnlyList<ReadinessCheck> HostChecks { get; set; } = [];

        public string? Error { get; set; }
    }
}
