using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>What one L1 guest's drift check found, or why it was not checked.</summary>
/// <param name="Drift">The differences found inside the guest.</param>
/// <param name="NotChecked">"not checked: …" with the reason; null when the guest was read.</param>
public sealed record GuestDriftResult(IReadOnlyList<BlueprintDrift> Drift, string? NotChecked)
{
    /// <summary>A guest that was not read, and why.</summary>
    public static GuestDriftResult Skipped(string reason) => new([], $"not checked: {reason}");
}

/// <summary>
/// Reads an L1 guest over PowerShell Direct with its remembered credential (never asks; none remembered: "not checked") and
/// compares it with the blueprint: the NAT network or the external switch, the L2 VMs, and each running L2's address (read
/// with the same credential, as apply uses the L1's account for the L2s unless told another).
/// </summary>
public sealed class BlueprintGuestDrift(IHostLookup hosts, GuestCredentialStore credentials)
{
    /// <summary>Checks L1 <paramref name="l1"/> of <paramref name="blueprint"/> as the inventory has it now.</summary>
    public async Task<GuestDriftResult> CheckAsync(Blueprint blueprint, BlueprintL1 l1, InventorySnapshot inventory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(inventory);
        if (inventory.Find(l1.Host) is not { Status.State: HostConnectionState.Connected } state)
        {
            return GuestDriftResult.Skipped($"host '{l1.Host}' is not connected");
        }

        if (BlueprintDriftChecks.FindVm(state, l1.Name) is not { } vm)
        {
            return GuestDriftResult.Skipped($"L1 '{l1.Name}' is not on host '{state.Name}'");
        }

        if (vm.State is not (VmState.Running or VmState.RunningCritical))
        {
            return GuestDriftResult.Skipped($"L1 '{vm.Name}' is {vm.State}, so its guest cannot be read");
        }

        if (hosts.Find(state.Name) is not { } host)
        {
            return GuestDriftResult.Skipped($"the dashboard has no connection to host '{state.Name}'");
        }

        if (await credentials.FindAsync(state.Name, vm.Id, cancellationToken) is not { } credential)
        {
            return GuestDriftResult.Skipped($"no remembered credential for L1 '{vm.Name}' on host '{state.Name}' (remember one when applying, or on the VM page)");
        }

        try
        {
            return new GuestDriftResult(await CompareAsync(blueprint, l1, state.Name, vm, host, credential, cancellationToken), null);
        }
        catch (HostOperationException ex)
        {
            return GuestDriftResult.Skipped($"reading L1 '{vm.Name}' on host '{state.Name}' failed: {ex.HostMessage}");
        }
        catch (NotSupportedException ex)
        {
            return GuestDriftResult.Skipped(ex.Message);
        }
    }

    private static async Task<List<BlueprintDrift>> CompareAsync(
        Blueprint blueprint, BlueprintL1 l1, string hostName, VmSnapshot vm, IHyperVHost host, GuestCredential credential, CancellationToken cancellationToken)
    {
        var found = new List<BlueprintDrift>();
        if (l1.Network.Kind == BlueprintNetworking.Nat)
        {
            var networking = host as INestedNetworking ?? throw Unsupported(hostName, "guest networking");
            if (BlueprintDriftChecks.NatMissing(blueprint, l1, hostName, await networking.GetGuestNetworkStateAsync(vm.Id, credential, cancellationToken)) is { } missing)
            {
                found.Add(missing);
            }
        }
        else
        {
            var hypervisor = host as IL1Hypervisor ?? throw Unsupported(hostName, "the L1's switches");
            if (BlueprintDriftChecks.ExternalSwitchMissing(blueprint, l1, hostName, await hypervisor.GetL1SwitchesAsync(vm.Id, credential, cancellationToken)) is { } missing)
            {
                found.Add(missing);
            }
        }

        if (l1.L2s.Count == 0)
        {
            return found;
        }

        var guestVms = host as IGuestVms ?? throw Unsupported(hostName, "the L1's VMs");
        var reading = await guestVms.GetGuestVmsAsync(vm.Id, credential, cancellationToken);
        found.AddRange(BlueprintDriftChecks.L2sMissing(blueprint, l1, hostName, reading));
        var addressed = l1.L2s.Where(l2 => l2.IpAddress is not null && reading.Vms.Any(v => v.IsRunning && string.Equals(v.Name, l2.Name.Trim(), StringComparison.OrdinalIgnoreCase))).ToList();
        if (addressed.Count > 0)
        {
            var l2Networking = host as IL2Networking ?? throw Unsupported(hostName, "the L2 guests' addresses");
            foreach (var l2 in addressed)
            {
                var addresses = await l2Networking.GetL2AddressesAsync(vm.Id, credential, l2.Name, credential, cancellationToken);
                if (BlueprintDriftChecks.AddressChanged(blueprint, l1, l2, hostName, addresses) is { } changed)
                {
                    found.Add(changed);
                }
            }
        }

        return found;
    }

    private static NotSupportedException Unsupported(string host, string what) => new($"host '{host}' cannot read {what} over PowerShell Direct");
}
