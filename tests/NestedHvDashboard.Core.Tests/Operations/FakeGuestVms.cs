using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

/// <summary>
/// The Hyper-V inside an L1's guest, reached over "PowerShell Direct" of an <see cref="OperationsFakeHost"/>: it answers only
/// while the L1 runs, its VMs start only while the L1 runs with nested virtualization on, and it records each call with the
/// L1's state at that moment (so a test sees the order of the levels).
/// </summary>
internal sealed class FakeGuestVms(OperationsFakeHost host, Guid l1, params GuestVm[] vms) : IGuestVms
{
    private readonly Lock _gate = new();
    private readonly List<GuestVm> _vms = [.. vms];
    private readonly List<string> _calls = [];
    private readonly Dictionary<string, string> _failures = [];

    /// <summary>Every call, e.g. "Stop l2-a (L1 Running, nested True)".</summary>
    public IReadOnlyList<string> Calls
    {
        get { lock (_gate) { return [.. _calls]; } }
    }

    /// <summary>The changes only (not the reads).</summary>
    public IReadOnlyList<string> Changes => [.. Calls.Where(c => !c.StartsWith("Read", StringComparison.Ordinal))];

    public GuestVm Vm(string name)
    {
        lock (_gate) { return _vms.Single(v => v.Name == name); }
    }

    /// <summary>The next "Stop name" or "Start name" fails with the guest's <paramref name="message"/>.</summary>
    public void Fail(string call, string message)
    {
        lock (_gate) { _failures[call] = message; }
    }

    public Task<GuestVmsReading> GetGuestVmsAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default)
    {
        var (_, nested) = Answering("Read", vmId);
        lock (_gate) { return Task.FromResult(new GuestVmsReading(nested, nested ? [.. _vms] : [])); }
    }

    public Task<GuestVm> StopGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Power("Stop", vmId, nestedVmId, VmState.Off));

    public Task<GuestVm> StartGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Power("Start", vmId, nestedVmId, VmState.Running));

    private GuestVm Power(string verb, Guid vmId, Guid nestedVmId, VmState to)
    {
        string name;
        lock (_gate) { name = _vms.Single(v => v.Id == nestedVmId).Name; }
        var (_, nested) = Answering($"{verb} {name}", vmId);
        lock (_gate)
        {
            var at = _vms.FindIndex(v => v.Id == nestedVmId);
            if (_failures.Remove($"{verb} {name}", out var message))
            {
                throw new HostOperationException(HostErrorKind.HostRefused, host.Name, $"{verb}-VM inside the guest", message, "L1-Lab");
            }

            if (to is VmState.Running && !nested)
            {
                throw new HostOperationException(HostErrorKind.HostRefused, host.Name, "Start-VM inside the guest",
                    $"'{name}' failed to start. Virtual machine '{name}' could not be started because the hypervisor is not running.", "L1-Lab");
            }

            _vms[at] = _vms[at] with { State = to };
            return _vms[at];
        }
    }

    // The guest answers only while its VM runs; the call is recorded with the L1's state.
    private (VmState State, bool Nested) Answering(string call, Guid vmId)
    {
        var vm = host.Vm(vmId == l1 ? l1 : vmId);
        lock (_gate) { _calls.Add($"{call} (L1 {vm.State}, nested {vm.ExposeVirtualizationExtensions})"); }
        if (vm.State is not VmState.Running)
        {
            throw new HostOperationException(HostErrorKind.InvalidVmState, host.Name, "Invoke-Command -VMId", $"The virtual machine {vm.Name} is not in running state.", vm.Name);
        }

        return (vm.State, vm.ExposeVirtualizationExtensions);
    }
}
