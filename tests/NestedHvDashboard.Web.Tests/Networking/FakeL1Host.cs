using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Networking;

/// <summary>
/// A host whose one L1 answers PowerShell Direct with <see cref="FakeGuestHost.UserName"/>/<see cref="FakeGuestHost.Password"/>
/// and keeps its Hyper-V's adapters, switches and L2 adapters in memory, validating each change as the engine does (against the
/// L1 as its host reports it). VM calls go to a <see cref="FakeHyperVHost"/>; the host's own switches are External and Lab.
/// </summary>
internal sealed class FakeL1Host(string name, HostFacts facts, VmSnapshot vm) : IHyperVHost, IL1Hypervisor, IVmSwitchConnections
{
    private readonly FakeHyperVHost _vms = new(name, facts, vm);
    private readonly Lock _gate = new();
    private readonly List<string> _calls = [];

    public string Name => _vms.Name;

    public L1SwitchesReading Reading { get; set; } = new(
        true,
        [new L1NetAdapter("Ethernet", "Microsoft Hyper-V Network Adapter", "Up", "00-15-5D-01-02-03"), new L1NetAdapter("vEthernet (VmNAT)", "Hyper-V Virtual Ethernet Adapter", "Up", "00-15-5D-01-02-09")],
        [new L1Switch("VmNAT", "Internal", null)],
        [new L2AdapterConnection("l2-web", "Network Adapter", "VmNAT", "00-15-5D-00-00-01"), new L2AdapterConnection("l2-db", "Network Adapter", null, "00-15-5D-00-00-02")]);

    /// <summary>The host's own switches (Get-VMSwitch on the L1's host).</summary>
    public IReadOnlyList<L1Switch> HostSwitches { get; set; } = [new L1Switch("External", "External", null), new L1Switch("Lab", "Internal", null)];

    /// <summary>When set, the next change fails with it after signing in (as the engine does after undoing what it made).</summary>
    public HostOperationException? NextFailure { get; set; }

    /// <summary>"Read", "Create External Ethernet", "Remove External", "Connect l2-db External", "Host connect ..."; the password never.</summary>
    public IReadOnlyList<string> Calls
    {
        get { lock (_gate) { return [.. _calls]; } }
    }

    public Task<L1SwitchesReading> GetL1SwitchesAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default)
    {
        SignIn(credential, "Read");
        return Task.FromResult(Reading);
    }

    public async Task<L1SwitchesReading> CreateExternalSwitchAsync(Guid vmId, GuestCredential credential, ExternalSwitchRequest request, CancellationToken cancellationToken = default)
    {
        SignIn(credential, $"Create {request.SwitchName} {request.NetAdapterName}");
        await RefuseAsync(vmId, l1 => L1SwitchPlan.ValidateCreate(l1, Reading, request));
        Fail();
        Reading = Reading with { Switches = [.. Reading.Switches, new L1Switch(request.SwitchName, "External", request.NetAdapterName)] };
        return Reading;
    }

    public async Task<L1SwitchesReading> RemoveExternalSwitchAsync(Guid vmId, GuestCredential credential, string switchName, CancellationToken cancellationToken = default)
    {
        SignIn(credential, $"Remove {switchName}");
        await RefuseAsync(vmId, l1 => L1SwitchPlan.ValidateRemove(l1, Reading, switchName));
        Fail();
        Reading = Reading with { Switches = [.. Reading.Switches.Where(s => s.Name != switchName)] };
        return Reading;
    }

    public async Task<L1SwitchesReading> ConnectL2AdapterAsync(Guid vmId, GuestCredential credential, string l2VmName, string switchName, CancellationToken cancellationToken = default)
    {
        SignIn(credential, $"Connect {l2VmName} {switchName}");
        await RefuseAsync(vmId, l1 => L1SwitchPlan.ValidateConnect(l1, Reading, l2VmName, switchName));
        Fail();
        Reading = Reading with { L2Adapters = [.. Reading.L2Adapters.Select(a => a.VmName == l2VmName ? a with { SwitchName = switchName } : a)] };
        return Reading;
    }

    public Task<GuestVm> CreateL2VmAsync(Guid vmId, GuestCredential credential, L2VmRequest request, CancellationToken cancellationToken = default)
    {
        SignIn(credential, $"New L2 {request.Name}");
        return Task.FromResult(new GuestVm(Guid.NewGuid(), request.Name, VmState.Off));
    }

    public Task<IReadOnlyList<L1Switch>> GetHostSwitchesAsync(CancellationToken cancellationToken = default) => Task.FromResult(HostSwitches);

    public async Task<VmSnapshot> ConnectVmAdapterAsync(Guid vmId, string? adapterName, string switchName, CancellationToken cancellationToken = default)
    {
        lock (_gate) { _calls.Add($"Host connect {adapterName} {switchName}"); }
        Fail();
        await _vms.GetVmAsync(vmId, cancellationToken);
        return _vms.Update(vmId, before => before with { NetworkAdapters = [.. before.NetworkAdapters.Select(a => adapterName is null || a.Name == adapterName ? a with { SwitchName = switchName } : a)] });
    }

    /// <summary>The VM as this host holds it now (a connect it made stays made).</summary>
    public VmSnapshot Vm(Guid id) => _vms.Vm(id);

    public Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default) => _vms.GetHostFactsAsync(cancellationToken);

    public Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default) => _vms.GetInventoryAsync(cancellationToken);

    public Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default) => _vms.GetVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => _vms.SetNestedVirtualizationAsync(vmId, enabled, cancellationToken);

    public Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => _vms.StartVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default) => _vms.StopVmAsync(vmId, mode, cancellationToken);

    public Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default) => _vms.SetMacAddressSpoofingAsync(vmId, adapterName, enabled, cancellationToken);

    public Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => _vms.SetDynamicMemoryAsync(vmId, enabled, cancellationToken);

    public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) => _vms.SuspendVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) => _vms.ResumeVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => _vms.RestartVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) => _vms.RemoveSavedStateAsync(vmId, cancellationToken);

    public Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default) => _vms.UpdateVmVersionAsync(vmId, cancellationToken);

    public Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default) => _vms.SetStartupMemoryAsync(vmId, startupBytes, cancellationToken);

    public Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default) => _vms.SetProcessorCountAsync(vmId, count, cancellationToken);

    public Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default) => _vms.GetCheckpointsAsync(vmId, cancellationToken);

    public Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default) => _vms.CreateCheckpointAsync(vmId, name, cancellationToken);

    public Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default) => _vms.ApplyCheckpointAsync(vmId, checkpointId, cancellationToken);

    public Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default) => _vms.RemoveCheckpointAsync(vmId, checkpointId, includeChildren, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task RefuseAsync(Guid vmId, Func<VmSnapshot, IReadOnlyList<NatNetworkProblem>> validate)
    {
        var l1 = await _vms.GetVmAsync(vmId);
        if (validate(l1) is { Count: > 0 } problems)
        {
            throw new L1SwitchRefusedException(Name, l1.Name, problems);
        }
    }

    private void Fail()
    {
        if (NextFailure is { } failure)
        {
            NextFailure = null;
            throw failure;
        }
    }

    private void SignIn(GuestCredential credential, string call)
    {
        lock (_gate) { _calls.Add(call); }
        if (credential.UserName != FakeGuestHost.UserName || credential.Password != FakeGuestHost.Password)
        {
            throw new HostOperationException(HostErrorKind.GuestAuthenticationFailed, Name, "Invoke-Command -VMId", "The credential is invalid.", "lab-l1");
        }
    }
}
