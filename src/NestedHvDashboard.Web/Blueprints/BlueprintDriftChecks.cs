using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>One L1's guest check: when it last answered, or why it was not checked.</summary>
/// <param name="Blueprint">The blueprint's name.</param>
/// <param name="Host">The L1's host.</param>
/// <param name="L1">The L1's name.</param>
/// <param name="CheckedAt">When the guest last answered the drift check; null when it never did.</param>
/// <param name="NotChecked">"not checked: …" with the reason when the last attempt did not read the guest; null when it did.</param>
public sealed record BlueprintDriftCheck(string Blueprint, string Host, string L1, DateTimeOffset? CheckedAt, string? NotChecked);

/// <summary>
/// The comparisons drift makes: from the live inventory (the L1 gone, nested virtualization off, MAC spoofing off for the
/// external-switch option), and from inside a running L1 guest (its switch or NAT gone, an L2 gone, an L2's address changed).
/// Each difference is worded for the user; its time is filled in by the monitor.
/// </summary>
public static class BlueprintDriftChecks
{
    /// <summary>
    /// The inventory's differences for <paramref name="blueprint"/>. An L1 on a host that is not connected (or never answered)
    /// is not judged: its VMs as last read may be stale.
    /// </summary>
    public static IEnumerable<BlueprintDrift> FromInventory(Blueprint blueprint, InventorySnapshot inventory)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(inventory);
        foreach (var l1 in blueprint.L1s)
        {
            if (inventory.Find(l1.Host) is not { Status.State: HostConnectionState.Connected, ReadAt: not null } host)
            {
                continue;
            }

            var vm = FindVm(host, l1.Name);
            if (vm is null)
            {
                yield return Drift(blueprint, BlueprintDriftKind.L1Missing, host.Name, l1.Name, null,
                    $"L1 '{l1.Name}' is gone from host '{host.Name}': re-apply to create it again (with its networking and L2 VMs).");
                continue;
            }

            if (!vm.ExposeVirtualizationExtensions)
            {
                yield return Drift(blueprint, BlueprintDriftKind.NestedOff, host.Name, vm.Name, null,
                    $"Nested virtualization is off for L1 '{vm.Name}' on host '{host.Name}': Hyper-V inside it cannot start its L2 VMs. Re-apply turns it on (the VM is shut down for it).");
            }

            if (l1.Network.Kind == BlueprintNetworking.ExternalSwitch)
            {
                var off = vm.NetworkAdapters.Where(a => !a.MacAddressSpoofing).Select(a => $"'{a.Name}'").ToList();
                if (off.Count > 0)
                {
                    yield return Drift(blueprint, BlueprintDriftKind.MacSpoofingOff, host.Name, vm.Name, null,
                        $"MAC address spoofing is off on {string.Join(", ", off)} of L1 '{vm.Name}' on host '{host.Name}': its L2 VMs' packets on the external switch are dropped. Re-apply turns it on.");
                }
            }
        }
    }

    /// <summary>The L1 named <paramref name="name"/> on <paramref name="host"/> (names compare case-insensitively), or null.</summary>
    public static VmSnapshot? FindVm(HostInventoryState host, string name)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Vms.FirstOrDefault(v => string.Equals(v.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The switch or NAT inside the L1 the blueprint asked for, when the guest no longer has it.</summary>
    public static BlueprintDrift? NatMissing(Blueprint blueprint, BlueprintL1 l1, string host, GuestNetworkState guest)
    {
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(guest);
        var network = l1.Network;
        var hasSwitch = guest.SwitchNames.Any(s => Same(s, network.SwitchName));
        var hasNat = guest.Nats.Any(n => Same(n.InternalIPInterfaceAddressPrefix ?? "", network.NatPrefix ?? ""));
        var missing = (hasSwitch, hasNat) switch
        {
            (true, true) => null,
            (false, true) => $"the internal switch '{network.SwitchName}'",
            (true, false) => $"the NAT network {network.NatPrefix}",
            _ => $"the internal switch '{network.SwitchName}' and the NAT network {network.NatPrefix}",
        };
        return missing is null ? null : Drift(blueprint, BlueprintDriftKind.NetworkMissing, host, l1.Name, null,
            $"L1 '{l1.Name}' on host '{host}' no longer has {missing}: its L2 VMs cannot reach the network. Re-apply creates it again.");
    }

    /// <summary>The external switch inside the L1 the blueprint asked for, when the guest no longer has it.</summary>
    public static BlueprintDrift? ExternalSwitchMissing(Blueprint blueprint, BlueprintL1 l1, string host, L1SwitchesReading guest)
    {
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(guest);
        var found = guest.Switches.FirstOrDefault(s => Same(s.Name, l1.Network.SwitchName));
        if (found is not null && string.Equals(found.SwitchType, "External", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var what = found is null ? "is gone" : $"is now a {found.SwitchType} switch, not external";
        return Drift(blueprint, BlueprintDriftKind.NetworkMissing, host, l1.Name, null,
            $"The external switch '{l1.Network.SwitchName}' inside L1 '{l1.Name}' on host '{host}' {what}: its L2 VMs cannot reach the physical network. Re-apply creates it again.");
    }

    /// <summary>The blueprint's L2 VMs the L1's Hyper-V no longer has.</summary>
    public static IEnumerable<BlueprintDrift> L2sMissing(Blueprint blueprint, BlueprintL1 l1, string host, GuestVmsReading guest)
    {
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(guest);
        return l1.L2s.Where(l2 => !guest.Vms.Any(v => Same(v.Name, l2.Name))).Select(l2 =>
            Drift(blueprint, BlueprintDriftKind.L2Missing, host, l1.Name, l2.Name,
                $"L2 '{l2.Name}' is gone from L1 '{l1.Name}' on host '{host}'. Re-apply creates it again and gives it its address."));
    }

    /// <summary>The L2's address when it no longer has the blueprint's.</summary>
    public static BlueprintDrift? AddressChanged(Blueprint blueprint, BlueprintL1 l1, BlueprintL2 l2, string host, L2GuestAddresses guest)
    {
        ArgumentNullException.ThrowIfNull(l2);
        ArgumentNullException.ThrowIfNull(guest);
        if (l2.IpAddress is not { } wanted || guest.Addresses.Any(a => Same(a.IpAddress, wanted)))
        {
            return null;
        }

        var has = guest.Addresses.Count == 0 ? "no IPv4 address" : string.Join(", ", guest.Addresses.Select(a => $"{a.IpAddress}/{a.PrefixLength}"));
        return Drift(blueprint, BlueprintDriftKind.AddressChanged, host, l1.Name, l2.Name,
            $"L2 '{l2.Name}' in L1 '{l1.Name}' on host '{host}' has {has} instead of {wanted}. Re-apply sets the address again.");
    }

    private static BlueprintDrift Drift(Blueprint blueprint, BlueprintDriftKind kind, string host, string l1, string? l2, string message) =>
        new(blueprint.Name, kind, host, l1, l2, message, default);

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
