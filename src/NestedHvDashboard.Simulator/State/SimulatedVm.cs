using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// One simulated virtual machine. Power transitions are stored as timestamps so any reader
/// (another runspace, another process) computes the same state without a background thread.
/// Mutate only inside <see cref="SimulatedHost.Update"/> once the host is shared.
/// </summary>
public sealed class SimulatedVm
{
    public string Name { get; set; } = "";

    /// <summary>The VM id; a state file that leaves it out gets one derived from the name when loaded.</summary>
    public Guid Id { get; set; }

    public int Generation { get; set; } = 2;

    /// <summary>The configuration version, e.g. "9.0".</summary>
    public string Version { get; set; } = "9.0";

    public long ProcessorCount { get; set; } = 2;

    public bool ExposeVirtualizationExtensions { get; set; }

    public long MemoryStartupBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    public bool DynamicMemoryEnabled { get; set; }

    public long MemoryMinimumBytes { get; set; } = 512L * 1024 * 1024;

    public long MemoryMaximumBytes { get; set; } = 1024L * 1024 * 1024 * 1024;

    /// <summary>The state the VM is in, or is heading to while <see cref="TransitionState"/> lasts.</summary>
    public VMState State { get; set; } = VMState.Off;

    /// <summary>The state shown until <see cref="TransitionEndsAt"/> (Starting, Stopping, Saving).</summary>
    public VMState? TransitionState { get; set; }

    public DateTimeOffset? TransitionEndsAt { get; set; }

    /// <summary>A state shown before <see cref="TransitionState"/>, until <see cref="FirstTransitionEndsAt"/>: a guest restart shows Stopping, then Starting.</summary>
    public VMState? FirstTransitionState { get; set; }

    public DateTimeOffset? FirstTransitionEndsAt { get; set; }

    /// <summary>When the VM reached Running; uptime counts from here.</summary>
    public DateTimeOffset? RunningSince { get; set; }

    /// <summary>Average CPU load while running, 0-100; the simulator adds deterministic noise.</summary>
    public int CpuBaseline { get; set; } = 10;

    /// <summary>The guest OS name the KVP exchange reports while running, or null when the guest reports nothing.</summary>
    public string? GuestOsName { get; set; }

    /// <summary>The guest OS version the KVP exchange reports, e.g. "10.0.17763".</summary>
    public string? GuestOsVersion { get; set; }

    /// <summary>True when the guest itself runs Hyper-V (an L1 host of nested guests).</summary>
    public bool GuestIsHyperVHost { get; set; }

    /// <summary>The guest OS as a simulated host of its own (PowerShell Direct runs there), or null when nothing answers inside.</summary>
    public SimulatedGuest? Guest { get; set; }

    /// <summary>False when the guest has no shutdown integration service: a graceful Stop-VM then fails.</summary>
    public bool GuestShutdownIntegration { get; set; } = true;

    /// <summary>True when the VM is a clustered role (Get-VM's IsClustered).</summary>
    public bool IsClustered { get; set; }

    public string Notes { get; set; } = "";

    public DateTimeOffset CreationTime { get; set; } = DateTimeOffset.UnixEpoch;

    public List<SimulatedVmNetworkAdapter> NetworkAdapters { get; set; } = [];

    public List<SimulatedCheckpoint> Checkpoints { get; set; } = [];

    /// <summary>The checkpoint the VM runs from (Hyper-V's ParentSnapshotId), or null.</summary>
    public Guid? ParentCheckpointId { get; set; }

    /// <summary>Which checkpoints Checkpoint-VM takes; Production, Hyper-V's default for new VMs since 2016.</summary>
    public CheckpointType CheckpointType { get; set; } = CheckpointType.Production;

    /// <summary>
    /// Documented settings the simulator accepts but does not model (Set-VMProcessor -Reserve, Set-VMMemory -Priority,
    /// New-VM -Path, ...), by "Component.Parameter", as the cmdlet was given them (invariant text).
    /// </summary>
    public Dictionary<string, string> StoredSettings { get; set; } = [];

    /// <summary>The state as a reader sees it at <paramref name="now"/>.</summary>
    public VMState StateAt(DateTimeOffset now) =>
        FirstTransitionState is { } first && FirstTransitionEndsAt is { } firstEnds && now < firstEnds ? first
        : TransitionState is { } transition && TransitionEndsAt is { } ends && now < ends ? transition
        : State;

    /// <summary>CPU load in percent at <paramref name="now"/>: deterministic noise while running, 0 otherwise.</summary>
    public int CpuUsageAt(DateTimeOffset now) => VmMetrics.CpuUsage(this, now);

    /// <summary>Memory assigned at <paramref name="now"/>.</summary>
    public long MemoryAssignedAt(DateTimeOffset now) => VmMetrics.MemoryAssigned(this, now);

    /// <summary>Uptime at <paramref name="now"/>.</summary>
    public TimeSpan UptimeAt(DateTimeOffset now) => VmMetrics.Uptime(this, now);

    /// <summary>True while a Starting/Stopping/Saving transition is still under way.</summary>
    public bool InTransitionAt(DateTimeOffset now) => StateAt(now) != State;

    /// <summary>Begins a timed transition that ends in <paramref name="target"/>.</summary>
    public void BeginTransition(VMState shown, VMState target, DateTimeOffset now, TimeSpan duration)
    {
        State = target;
        FirstTransitionState = null;
        FirstTransitionEndsAt = null;
        TransitionState = shown;
        TransitionEndsAt = now + duration;
        RunningSince = target == VMState.Running ? now + duration : null;
    }

    /// <summary>Puts the VM in <paramref name="state"/> at once, ending any transition shown (pause, resume, a state set outright).</summary>
    public void SettleIn(VMState state)
    {
        State = state;
        TransitionState = null;
        TransitionEndsAt = null;
    }

    /// <summary>A guest-initiated restart: Stopping, then Starting, then Running again.</summary>
    public void BeginRestart(DateTimeOffset now, TimeSpan stopping, TimeSpan starting)
    {
        BeginTransition(VMState.Starting, VMState.Running, now, stopping + starting);
        FirstTransitionState = VMState.Stopping;
        FirstTransitionEndsAt = now + stopping;
    }

    /// <summary>Deep copy, for scenario cloning.</summary>
    public SimulatedVm Clone()
    {
        var copy = (SimulatedVm)MemberwiseClone();
        copy.NetworkAdapters = NetworkAdapters.Select(a => a.Clone()).ToList();
        copy.Checkpoints = Checkpoints.Select(c => c.Clone()).ToList();
        copy.Guest = Guest?.Clone();
        copy.StoredSettings = new Dictionary<string, string>(StoredSettings);
        return copy;
    }
}

/// <summary>One network adapter of a simulated VM.</summary>
public sealed class SimulatedVmNetworkAdapter
{
    public string Name { get; set; } = "Network Adapter";

    /// <summary>The adapter id; derived from the VM and adapter names when a state file leaves it out.</summary>
    public Guid Id { get; set; }

    public string? SwitchName { get; set; }

    /// <summary>Twelve hex digits, as Hyper-V reports it.</summary>
    public string MacAddress { get; set; } = "00155D000000";

    public bool MacAddressSpoofing { get; set; }

    public List<string> IPAddresses { get; set; } = [];

    /// <summary>Documented Set-VMNetworkAdapter settings the simulator accepts but does not model (-DhcpGuard, -VmqWeight, ...).</summary>
    public Dictionary<string, string> StoredSettings { get; set; } = [];

    public SimulatedVmNetworkAdapter Clone()
    {
        var copy = (SimulatedVmNetworkAdapter)MemberwiseClone();
        copy.IPAddresses = [.. IPAddresses];
        copy.StoredSettings = new Dictionary<string, string>(StoredSettings);
        return copy;
    }
}

/// <summary>One checkpoint (Hyper-V calls them snapshots in the API).</summary>
public sealed class SimulatedCheckpoint
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public string Name { get; set; } = "";

    public Guid? ParentId { get; set; }

    public SnapshotType SnapshotType { get; set; } = SnapshotType.Standard;

    public DateTimeOffset CreationTime { get; set; }

    /// <summary>True when it holds the VM's memory (a standard checkpoint of a running, paused or saved VM): applying it leaves the VM Saved.</summary>
    public bool HoldsMemory { get; set; }

    /// <summary>The VM's settings when it was taken (applying it puts them back), or null for a checkpoint a scenario made without them.</summary>
    public CheckpointSettings? Settings { get; set; }

    public SimulatedCheckpoint Clone() => (SimulatedCheckpoint)MemberwiseClone();
}

/// <summary>The VM settings a checkpoint keeps and applying it restores.</summary>
/// <param name="ProcessorCount">Virtual processors.</param>
/// <param name="ExposeVirtualizationExtensions">Nested virtualization.</param>
/// <param name="MemoryStartupBytes">Startup memory.</param>
/// <param name="DynamicMemoryEnabled">Dynamic memory.</param>
public sealed record CheckpointSettings(long ProcessorCount, bool ExposeVirtualizationExtensions, long MemoryStartupBytes, bool DynamicMemoryEnabled)
{
    /// <summary>The settings <paramref name="vm"/> has now.</summary>
    public static CheckpointSettings Of(SimulatedVm vm) => new(vm.ProcessorCount, vm.ExposeVirtualizationExtensions, vm.MemoryStartupBytes, vm.DynamicMemoryEnabled);

    /// <summary>Puts these settings back on <paramref name="vm"/>.</summary>
    public void ApplyTo(SimulatedVm vm)
    {
        vm.ProcessorCount = ProcessorCount;
        vm.ExposeVirtualizationExtensions = ExposeVirtualizationExtensions;
        vm.MemoryStartupBytes = MemoryStartupBytes;
        vm.DynamicMemoryEnabled = DynamicMemoryEnabled;
    }
}
