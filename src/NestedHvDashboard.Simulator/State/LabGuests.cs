namespace NestedHvDashboard.Simulator.State;

/// <summary>What one lab VM is as a would-be Hyper-V host of its own (an L1 guest), read in one look under its host's lock.</summary>
/// <param name="VmName">The VM's name.</param>
/// <param name="State">Its power state as Get-VM would say.</param>
/// <param name="Running">Whether it runs.</param>
/// <param name="RunsHyperV">Whether its guest has Hyper-V installed (false when it has no guest at all).</param>
public sealed record LabGuest(string VmName, string State, bool Running, bool RunsHyperV);

/// <summary>The lab's L1 guests: the one place that reads a VM's guest for a caller outside the simulator.</summary>
public static class LabGuests
{
    /// <summary>Whether the lab has a host named <paramref name="host"/>.</summary>
    public static bool HasHost(this SimulatedLab lab, string host)
    {
        ArgumentNullException.ThrowIfNull(lab);
        return lab.TryGet(host, out _);
    }

    /// <summary>The VM <paramref name="vmId"/> of lab host <paramref name="host"/> as a guest, or null when there is no such host or VM.</summary>
    public static LabGuest? FindGuest(this SimulatedLab lab, string host, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!lab.TryGet(host, out var simulated) || simulated.FindVm(vmId) is not { } vm)
        {
            return null;
        }

        var (name, state, guest) = simulated.Read(_ => (vm.Name, vm.State, vm.Guest));
        return new LabGuest(name, state.ToString(), state == HyperV.VMState.Running, guest is not null && guest.Host.Read(h => h.HyperVInstalled));
    }

    /// <summary>The VM <paramref name="vmId"/> of the shared lab's host <paramref name="host"/> as a guest, or null when there is no such host or VM.</summary>
    public static LabGuest? FindGuest(this SharedLabFolder lab, string host, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(lab);
        return lab.HasHost(host)
            ? lab.Read(host, h => h.FindVm(vmId) is { } vm
                ? new LabGuest(vm.Name, vm.State.ToString(), vm.State == HyperV.VMState.Running, vm.Guest is { } guest && guest.Host.Read(g => g.HyperVInstalled))
                : null)
            : null;
    }
}
