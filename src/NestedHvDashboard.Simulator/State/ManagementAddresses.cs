namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// What Hyper-V does with the management OS's network settings when an external switch shared with it is created or removed:
/// the bound adapter's IP addresses (and DNS servers) move to the switch's host adapter "vEthernet (name)", and back again
/// when the switch goes. Called under the host's lock.
/// </summary>
internal static class ManagementAddresses
{
    /// <summary>The new external switch <paramref name="vmSwitch"/> took <paramref name="physical"/>: its addresses move to the switch's host adapter.</summary>
    public static void MoveToSwitch(SimulatedHost host, SimulatedSwitch vmSwitch, SimulatedNetAdapter physical)
    {
        if (!vmSwitch.AllowManagementOS || HostAdapter(host, vmSwitch) is not { } hostAdapter)
        {
            return;
        }

        Move(host, physical, hostAdapter);
    }

    /// <summary>External switch <paramref name="vmSwitch"/> is being removed: its host adapter's addresses go back to the adapter it was bound to.</summary>
    public static void MoveBack(SimulatedHost host, SimulatedSwitch vmSwitch)
    {
        if (vmSwitch.NetAdapterName is not { } bound || HostAdapter(host, vmSwitch) is not { } hostAdapter
            || host.NetAdapters.Find(a => string.Equals(a.Name, bound, StringComparison.OrdinalIgnoreCase)) is not { } physical)
        {
            return;
        }

        Move(host, hostAdapter, physical);
    }

    private static SimulatedNetAdapter? HostAdapter(SimulatedHost host, SimulatedSwitch vmSwitch) =>
        host.NetAdapters.Find(a => string.Equals(a.Name, $"vEthernet ({vmSwitch.Name})", StringComparison.OrdinalIgnoreCase));

    private static void Move(SimulatedHost host, SimulatedNetAdapter from, SimulatedNetAdapter to)
    {
        foreach (var address in host.IPAddresses.Where(a => a.InterfaceIndex == from.InterfaceIndex))
        {
            address.InterfaceIndex = to.InterfaceIndex;
        }

        if (from.DnsServers.Count > 0)
        {
            to.DnsServers = [.. from.DnsServers];
            from.DnsServers = [];
        }
    }
}
