using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Readiness;

/// <summary>
/// vm.l2-network: a VM with nested virtualization on needs a way for its nested (L2) VMs to reach the network — MAC spoofing
/// on its adapters (Microsoft's option 1) or NAT inside the guest (option 2). In Azure only NAT works: Azure drops frames
/// from MAC addresses it did not assign, so MAC spoofing does not help there. Never blocking: nested VMs run without a network.
/// </summary>
public static class NestedNetworkRule
{
    /// <summary>The check's title, as the checklist and the blocking-reason column show it.</summary>
    public const string Title = "Network for nested (L2) VMs";

    /// <summary>The reason's first words when the rule warns: what the user loses.</summary>
    public const string NoNetwork = "L2 VMs inside will have no network";

    /// <summary>The check for <paramref name="vm"/> on <paramref name="host"/>.</summary>
    /// <param name="host">The host's facts (Azure or not).</param>
    /// <param name="vm">The VM, with its adapters.</param>
    /// <param name="guestHasNat">True when a read of the guest found a NAT network, false when it found none, null when the guest was not read.</param>
    public static ReadinessCheck Evaluate(HostFacts host, VmSnapshot vm, bool? guestHasNat = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        const string id = ReadinessRuleIds.VmL2Network;
        if (!vm.ExposeVirtualizationExtensions)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Pass, "Nested virtualization is off: no nested VMs need a network yet.", null);
        }

        if (guestHasNat is true)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Pass, "The guest has a NAT network for its nested VMs.", null);
        }

        if (vm.NetworkAdapters.Count == 0)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Pass,
                "The VM has no network adapter: it and its nested VMs are isolated by design.", null);
        }

        var setUpNat = "set up NAT in the guest (an internal switch and New-NetNat; the guest networking card does it)";
        var nat = guestHasNat is null ? "the guest has not been read, so no NAT is known in it" : "the guest has no NAT network (Get-NetNat found none)";
        var readFirst = guestHasNat is null ? " If the guest may already have NAT, read the guest first." : "";
        if (host.IsAzureVm)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Warn,
                $"{NoNetwork}: this host is an Azure VM, where MAC spoofing does not help nested VMs, and {nat}.",
                $"In Azure, {setUpNat}.{readFirst}");
        }

        var spoofing = vm.NetworkAdapters.Where(a => a.MacAddressSpoofing).Select(a => a.Name).ToList();
        if (spoofing.Count > 0)
        {
            return new ReadinessCheck(id, Title, ReadinessStatus.Pass,
                $"MAC spoofing is on ({string.Join(", ", spoofing)}): nested VMs can reach the network through the VM's switch.", null);
        }

        return new ReadinessCheck(id, Title, ReadinessStatus.Warn,
            $"{NoNetwork}: MAC spoofing is off on every adapter and {nat}.",
            $"Turn MAC spoofing on (Get-VMNetworkAdapter -VMName {PlannedCommand.Quote(vm.Name)} | Set-VMNetworkAdapter -MacAddressSpoofing On), or {setUpNat}.{readFirst}");
    }
}
