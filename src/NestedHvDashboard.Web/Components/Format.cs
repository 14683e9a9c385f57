using MudBlazor;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Components;

/// <summary>How the pages write sizes, times, states and readiness, so every page says them the same way.</summary>
public static class Format
{
    public static string Bytes(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GB" : $"{bytes >> 20} MB";

    public static string Uptime(TimeSpan uptime) => uptime == TimeSpan.Zero
        ? "—"
        : uptime.TotalDays >= 1 ? $"{(int)uptime.TotalDays}d {uptime.Hours}h" : $"{uptime.Hours}h {uptime.Minutes:00}m";

    public static string Memory(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return vm.DynamicMemoryEnabled ? $"{Bytes(vm.MemoryStartupBytes)} (dynamic)" : Bytes(vm.MemoryStartupBytes);
    }

    public static string OnOff(bool on) => on ? "On" : "Off";

    /// <summary>"On" when every adapter spoofs, "Some", "Off", or "no adapter".</summary>
    public static string MacSpoofing(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return vm.NetworkAdapters.Count switch
        {
            0 => "no adapter",
            _ when vm.NetworkAdapters.All(a => a.MacAddressSpoofing) => "On",
            _ when vm.NetworkAdapters.Any(a => a.MacAddressSpoofing) => "Some",
            _ => "Off",
        };
    }

    /// <summary>A MAC as Hyper-V reports it (twelve hex digits) written in pairs.</summary>
    public static string Mac(string mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        return mac.Length == 12 ? string.Join('-', Enumerable.Range(0, 6).Select(i => mac.Substring(i * 2, 2))) : mac;
    }

    public static Color ColorOf(ReadinessStatus status) => status switch
    {
        ReadinessStatus.Pass => Color.Success,
        ReadinessStatus.Warn => Color.Warning,
        ReadinessStatus.Fail => Color.Error,
        _ => Color.Default,
    };

    public static Color ColorOf(HostConnectionState state) => state switch
    {
        HostConnectionState.Connected => Color.Success,
        HostConnectionState.Connecting => Color.Info,
        _ => Color.Error,
    };

    public static Color ColorOf(VmState state) => state switch
    {
        VmState.Running => Color.Success,
        VmState.Off => Color.Default,
        VmState.Saved or VmState.Paused => Color.Info,
        _ => Color.Warning,
    };

    /// <summary>
    /// The classes MudBlazor's <c>MudChip</c> gives a small chip of this variant ("text" or "filled") and color: for a chip
    /// drawn as plain elements in a grid cell, where a component per cell would be kept with two render buffers per row
    /// on screen, per circuit.
    /// </summary>
    public static string SmallChipClass(string variant, Color color) =>
        $"mud-chip mud-chip-{variant} mud-chip-size-small mud-chip-color-{color.ToString().ToLowerInvariant()}";

    /// <summary>The check a user should look at first: fail, else unknown, else warn, else pass.</summary>
    public static ReadinessCheck? Worst(IEnumerable<ReadinessCheck> checks) =>
        checks.OrderByDescending(c => Rank(c.Status)).FirstOrDefault();

    /// <summary>Pass 0, Warn 1, Unknown 2, Fail 3 (an unknown could hide a failure).</summary>
    public static int Rank(ReadinessStatus status) => status switch
    {
        ReadinessStatus.Fail => 3,
        ReadinessStatus.Unknown => 2,
        ReadinessStatus.Warn => 1,
        _ => 0,
    };
}
