using System.Globalization;
using System.Management.Automation;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The watch's rows beyond full VM rows (Scripts/WatchInventory.ps1): VmState (fast fields),
/// Metrics (CPU usage and uptime, packed) and VmRemoved, applied to the watch's last state, and
/// WatchState (how the fast fields are read).
/// </summary>
internal static class WatchRows
{
    /// <summary>The last WatchState row of a cycle as a <see cref="WatchFastRead"/>, or null when the cycle has none.</summary>
    public static WatchFastRead? FastReadIn(IEnumerable<PSObject> rows)
    {
        WatchFastRead? read = null;
        foreach (var row in rows)
        {
            if (HostRows.KindOf(row) == "WatchState")
            {
                var method = HostRows.Text(row, "FastRead");
                read = new WatchFastRead(
                    method == WatchFastRead.SummaryMethod ? WatchFastReadMethod.SummaryInformation : WatchFastReadMethod.GetVm,
                    HostRows.OptionalText(row, "Reason"));
            }
        }

        return read;
    }

    /// <summary>Applies a cycle's VmState, Metrics and VmRemoved rows, in order, to <paramref name="vms"/>.</summary>
    public static void ApplyFastRows(IEnumerable<PSObject> rows, Dictionary<Guid, VmSnapshot> vms)
    {
        foreach (var row in rows)
        {
            switch (HostRows.KindOf(row))
            {
                case "VmState" when vms.TryGetValue(HostRows.IdOf(row), out var vm):
                    var state = HostRows.Text(row, "State");
                    vms[vm.Id] = vm with
                    {
                        Name = HostRows.Text(row, "Name"),
                        State = Enum.TryParse<VmState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : VmState.Other,
                        MemoryAssignedBytes = HostRows.Int64(row, "MemoryAssigned"),
                    };
                    break;
                case "Metrics":
                    ApplyMetrics(HostRows.Text(row, "Values"), vms);
                    break;
                case "VmRemoved":
                    vms.Remove(HostRows.IdOf(row));
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// Takes a VM's configuration from a fresh reading of the dashboard's own (e.g. the answer to
    /// Set-VMProcessor), keeping the watch's fast fields and metrics, which the host reports on change.
    /// </summary>
    public static void MergeConfiguration(Dictionary<Guid, VmSnapshot> vms, VmSnapshot fresh)
    {
        if (vms.TryGetValue(fresh.Id, out var known))
        {
            vms[fresh.Id] = fresh with
            {
                Name = known.Name,
                State = known.State,
                MemoryAssignedBytes = known.MemoryAssignedBytes,
                CpuUsagePercent = known.CpuUsagePercent,
                Uptime = known.Uptime,
            };
        }
    }

    // "id|cpu|uptimeTicks;..." as the script packs it; a malformed entry is skipped, not fatal.
    private static void ApplyMetrics(string packed, Dictionary<Guid, VmSnapshot> vms)
    {
        foreach (var entry in packed.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split('|');
            if (parts.Length == 3
                && Guid.TryParse(parts[0], out var id)
                && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var cpu)
                && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks)
                && vms.TryGetValue(id, out var vm))
            {
                vms[id] = vm with { CpuUsagePercent = cpu, Uptime = TimeSpan.FromTicks(ticks) };
            }
        }
    }
}
