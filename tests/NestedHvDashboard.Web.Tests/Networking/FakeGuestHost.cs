using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Networking;

/// <summary>
/// A host whose one guest answers PowerShell Direct with <see cref="UserName"/>/<see cref="Password"/>, keeps its switches,
/// NAT and addresses in memory and validates NAT requests as the engine does; VM calls go to a <see cref="FakeHyperVHost"/>.
/// </summary>
internal sealed class FakeGuestHost(string name, HostFacts facts, VmSnapshot vm) : IHyperVHost, INestedNetworking
{
    public const string UserName = "Administrator";
    public const string Password = "Guest-Pa55!";

    private readonly FakeHyperVHost _vms = new(name, facts, vm);
    private readonly Lock _gate = new();
    private readonly List<string> _calls = [];
    private TaskCompletionSource? _installHold;
    private (int Index, TaskCompletionSource Release)? _createHold;

    public string Name => _vms.Name;

    public GuestNetworkState State { get; set; } = new(["External"], [], [new GuestIPAddress("10.0.0.15", 24, "Ethernet")])
    {
        Os = new GuestOs("Microsoft Windows Server 2022 Datacenter", "10.0.20348", true, GuestHyperVState.NotInstalled),
    };

    /// <summary>"Read", "Create VmNAT 192.168.0.0/24", "Remove LocalNAT VmNAT", "Install"; the password never.</summary>
    public IReadOnlyList<string> Calls
    {
        get { lock (_gate) { return [.. _calls]; } }
    }

    /// <summary>When set, the next NAT creation fails with it after signing in (as the engine does when a step fails or the host is lost).</summary>
    public HostOperationException? CreateNatFailure { get; set; }

    /// <summary>When true, installs report that they outlasted their limit ("still running on the host — checking") after "installing".</summary>
    public bool InstallOutlastsLimit { get; set; }

    /// <summary>The next install waits after reporting "installing" and "restarting" until the source is completed.</summary>
    public TaskCompletionSource HoldInstall()
    {
        _installHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _installHold;
    }

    public Task<GuestNetworkState> GetGuestNetworkStateAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default)
    {
        SignIn(credential, "Read");
        return Task.FromResult(State);
    }

    public Task<GuestNetworkState> CreateNatNetworkAsync(Guid vmId, GuestCredential credential, NatNetworkRequest request, CancellationToken cancellationToken = default)
    {
        SignIn(credential, $"Create {request.SwitchName} {request.Prefix}");
        if (CreateNatFailure is { } failure)
        {
            CreateNatFailure = null;
            throw failure;
        }

        var plan = NatNetworkPlan.Create(request, State);
        if (!plan.IsValid)
        {
            throw new NatNetworkRefusedException(Name, vm.Name, plan.Problems);
        }

        var p = plan.Plan;
        State = State with
        {
            SwitchNames = [.. State.SwitchNames, p.SwitchName],
            Nats = [new GuestNat(p.NatName, p.Prefix.ToString())],
            Addresses = [.. State.Addresses, new GuestIPAddress(p.Gateway.ToString(), p.Prefix.Length, p.InterfaceAlias)],
        };
        return Task.FromResult(State);
    }

    public Task<GuestNetworkState> RemoveNatNetworkAsync(Guid vmId, GuestCredential credential, string? natName, string? switchName, CancellationToken cancellationToken = default)
    {
        SignIn(credential, $"Remove {natName} {switchName}");
        State = State with
        {
            SwitchNames = [.. State.SwitchNames.Where(s => s != switchName)],
            Nats = [.. State.Nats.Where(n => n.Name != natName)],
            Addresses = [.. State.Addresses.Where(a => a.InterfaceAlias != NatNetworkPlan.AdapterAliasFor(switchName ?? ""))],
        };
        return Task.FromResult(State);
    }

    public async Task<GuestNetworkState> InstallHyperVAsync(Guid vmId, GuestCredential credential, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        SignIn(credential, "Install");
        progress?.Report(HyperVInstallProgress.Installing);
        if (InstallOutlastsLimit)
        {
            progress?.Report(HyperVInstallProgress.StillRunning);
        }

        progress?.Report(HyperVInstallProgress.Restarting);
        if (_installHold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        progress?.Report(HyperVInstallProgress.WaitingForGuest);
        progress?.Report(HyperVInstallProgress.Installed);
        State = State with { Os = State.Os! with { HyperV = GuestHyperVState.Installed } };
        return State;
    }

    /// <summary>The requests CreateVmAsync was given.</summary>
    public List<NewVmRequest> Created { get; } = [];

    /// <summary>Thrown by the next CreateVmAsync instead of creating, when set.</summary>
    public Exception? CreateFailure { get; set; }

    /// <summary>The next VM creation waits once it has reported step <paramref name="index"/> Running (as the host's script does before its cmdlet) until the source is completed.</summary>
    public TaskCompletionSource HoldCreateAt(int index)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _createHold = (index, release);
        return release;
    }

    /// <summary>Reports <see cref="NewVmPlan.Steps"/> as the engine does (all Pending, then each Running and Done), then returns the VM.</summary>
    public async Task<VmSnapshot> CreateVmAsync(NewVmRequest request, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        if (CreateFailure is { } failure)
        {
            CreateFailure = null;
            throw failure;
        }

        OperationStep Step(int index, OperationStepStatus status) =>
            new(Name, Guid.Empty, request.Name, index, NewVmPlan.Steps[index].Kind, NewVmPlan.Steps[index].Title, status);
        var hold = _createHold;
        _createHold = null;
        for (var i = 0; i < NewVmPlan.Steps.Count; i++)
        {
            progress?.Report(Step(i, OperationStepStatus.Pending));
        }

        for (var i = 0; i < NewVmPlan.Steps.Count; i++)
        {
            progress?.Report(Step(i, OperationStepStatus.Running));
            if (hold is { } held && held.Index == i)
            {
                await held.Release.Task.WaitAsync(cancellationToken);
            }

            progress?.Report(Step(i, OperationStepStatus.Done));
        }

        Created.Add(request);
        return vm with
        {
            Id = Guid.NewGuid(), Name = request.Name, State = VmState.Off, MemoryStartupBytes = request.MemoryStartupBytes, ProcessorCount = request.ProcessorCount,
            ExposeVirtualizationExtensions = true, DynamicMemoryEnabled = false,
        };
    }

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

    private void SignIn(GuestCredential credential, string call)
    {
        lock (_gate) { _calls.Add(call); }
        if (credential.UserName != UserName || credential.Password != Password)
        {
            throw new HostOperationException(HostErrorKind.GuestAuthenticationFailed, Name, "Invoke-Command -VMId", "The credential is invalid.", vm.Name);
        }
    }
}
