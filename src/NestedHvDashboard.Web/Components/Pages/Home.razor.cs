using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Components.Pages;

/// <summary>Every host with its VMs and their readiness, live from the in-process inventory feed.</summary>
public sealed partial class Home : LiveInventoryComponent
{
    [Inject]
    public required HostDirectory Directory { get; init; }

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
