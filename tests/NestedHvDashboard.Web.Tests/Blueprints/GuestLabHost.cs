using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>
/// A host whose L1 guests drift reads: each guest's switches and NAT, its L2 VMs and their addresses are set by the test, and
/// every read is counted; a guest can be made to refuse its credential. The VM changes of <see cref="IHyperVHost"/> are not used.
/// </summary>
internal sealed class GuestLabHost(string name) : IHyperVHost, INestedNetworking, IGuestVms, IL1Hypervisor, IL2Networking, IHostLookup
{
    private readonly Lock _gate = new();
    private int _reads;

    public string Name { get; } = name;

    /// <summary>The internal switches inside the L1 guests.</summary>
    public List<string> Switches { get; } = [];

    /// <summary>The NAT prefixes inside the L1 guests.</summary>
    public List<string> NatPrefixes { get; } = [];

    /// <summary>The external switches inside the L1 guests.</summary>
    public List<string> ExternalSwitches { get; } = [];

    /// <summary>The L2 VMs (all running).</summary>
    public List<string> L2s { get; } = [];

    /// <summary>Each L2's address.</summary>
    public Dictionary<string, string> Addresses { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Set: every guest read fails as a refused credential does, with these words.</summary>
    public string? Refuse { get; set; }

    /// <summary>The credential the last read was given.</summary>
    public GuestCredential? LastCredential { get; private set; }

    /// <summary>How many guest reads were made.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Raised after each guest read.</summary>
    public event Action? Read;

    public IHyperVHost? Find(string host) => string.Equals(host, Name, StringComparison.OrdinalIgnoreCase) ? this : null;

    public Task<GuestNetworkState> GetGuestNetworkStateAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default) =>
        Answer(credential, () => new GuestNetworkState([.. Switches], [.. NatPrefixes.Select(p => new GuestNat("LocalNAT", p))], []));

    public Task<L1SwitchesReading> GetL1SwitchesAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default) =>
        Answer(credential, () => new L1SwitchesReading(true, [], [.. ExternalSwitches.Select(s => new L1Switch(s, "External", "Ethernet"))], []));

    public Task<GuestVmsReading> GetGuestVmsAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default) =>
        Answer(credential, () => new GuestVmsReading(true, [.. L2s.Select(n => new GuestVm(Guid.NewGuid(), n, VmState.Running))]));

    public Task<L2GuestAddresses> GetL2AddressesAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, CancellationToken cancellationToken = default) =>
        Answer(l1Credential, () => new L2GuestAddresses(l2VmName, Addresses.TryGetValue(l2VmName, out var ip) ? [new L2GuestAddress("Ethernet", ip, 24)] : [], [], []));

    private Task<T> Answer<T>(GuestCredential credential, Func<T> read)
    {
        lock (_gate)
        {
            LastCredential = credential;
            Interlocked.Increment(ref _reads);
            var refuse = Refuse;
            var result = refuse is null ? Task.FromResult(read()) : Task.FromException<T>(new HostOperationException(HostErrorKind.GuestAuthenticationFailed, Name, "read the guest", refuse));
            Read?.Invoke();
            return result;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static Task<T> Unused<T>() => Task.FromException<T>(new NotSupportedException("Not used by drift."));

    public Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default) => Unused<HostFacts>();
    public Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default) => Unused<HostInventory>();
    public Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default) => Unused<VmCheckpoints>();
    public Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<GuestNetworkState> CreateNatNetworkAsync(Guid vmId, GuestCredential credential, NatNetworkRequest request, CancellationToken cancellationToken = default) => Unused<GuestNetworkState>();
    public Task<GuestNetworkState> RemoveNatNetworkAsync(Guid vmId, GuestCredential credential, string? natName, string? switchName, CancellationToken cancellationToken = default) => Unused<GuestNetworkState>();
    public Task<GuestNetworkState> InstallHyperVAsync(Guid vmId, GuestCredential credential, IProgress<string>? progress = null, CancellationToken cancellationToken = default) => Unused<GuestNetworkState>();
    public Task<VmSnapshot> CreateVmAsync(NewVmRequest request, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default) => Unused<VmSnapshot>();
    public Task<GuestVm> StopGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default) => Unused<GuestVm>();
    public Task<GuestVm> StartGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default) => Unused<GuestVm>();
    public Task<L1SwitchesReading> CreateExternalSwitchAsync(Guid vmId, GuestCredential credential, ExternalSwitchRequest request, CancellationToken cancellationToken = default) => Unused<L1SwitchesReading>();
    public Task<L1SwitchesReading> RemoveExternalSwitchAsync(Guid vmId, GuestCredential credential, string switchName, CancellationToken cancellationToken = default) => Unused<L1SwitchesReading>();
    public Task<L1SwitchesReading> ConnectL2AdapterAsync(Guid vmId, GuestCredential credential, string l2VmName, string switchName, CancellationToken cancellationToken = default) => Unused<L1SwitchesReading>();
    public Task<GuestVm> CreateL2VmAsync(Guid vmId, GuestCredential credential, L2VmRequest request, CancellationToken cancellationToken = default) => Unused<GuestVm>();
    public Task<L2GuestAddresses> ApplyL2AddressAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2AddressRequest request, CancellationToken cancellationToken = default) => Unused<L2GuestAddresses>();
    public Task<L2ConnectivityReport> TestL2ConnectivityAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2ConnectivityRequest request, CancellationToken cancellationToken = default) => Unused<L2ConnectivityReport>();
}

/// <summary>A runner the tests drive: its last runs are set, its applies recorded.</summary>
internal sealed class FakeBlueprintRunner : Web.Blueprints.IBlueprintRunner
{
    public Dictionary<string, Web.Blueprints.BlueprintRun> Runs { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<(Web.Access.Actor Actor, Core.Blueprints.Blueprint Blueprint, Web.Blueprints.BlueprintCredentials Credentials)> Applied { get; } = [];

    public event Action<string>? RunChanged;

    public Task<Web.Blueprints.BlueprintChangeResult> ApplyAsync(Web.Access.Actor actor, Core.Blueprints.Blueprint blueprint, Web.Blueprints.BlueprintCredentials credentials, CancellationToken cancellationToken = default)
    {
        Applied.Add((actor, blueprint, credentials));
        return Task.FromResult(new Web.Blueprints.BlueprintChangeResult(true, $"Applying blueprint '{blueprint.Name}'.", []));
    }

    public Web.Blueprints.BlueprintRun? LastRun(string name) => Runs.GetValueOrDefault(name);

    /// <summary>Sets the blueprint's last run and says so, as the runner does.</summary>
    public void Set(string name, Web.Blueprints.BlueprintRunState state)
    {
        Runs[name] = new Web.Blueprints.BlueprintRun(Guid.NewGuid(), name, "olivia", DateTimeOffset.UnixEpoch, null, state, []);
        RunChanged?.Invoke(name);
    }
}

/// <summary>A planner whose review the test sets.</summary>
internal sealed class FakeBlueprintPlanner : Web.Blueprints.IBlueprintPlanner
{
    public List<Core.Blueprints.BlueprintProblem> Problems { get; } = [];

    public int Reviews { get; private set; }

    public Task<Web.Blueprints.BlueprintReview> ReviewAsync(Core.Blueprints.Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        Reviews++;
        return Task.FromResult(new Web.Blueprints.BlueprintReview([.. Problems], []));
    }
}
