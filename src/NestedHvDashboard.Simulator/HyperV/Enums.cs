namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.VMState, with the same names and numbers.</summary>
public enum VMState
{
    Other = 1,
    Running = 2,
    Off = 3,
    Stopping = 4,
    Saved = 6,
    Paused = 9,
    Starting = 10,
    Reset = 11,
    Saving = 32773,
    Pausing = 32776,
    Resuming = 32777,
    FastSaved = 32779,
    FastSaving = 32780,
    ForceShutdown = 32781,
    ForceReboot = 32782,
    Hibernated = 32783,
    ComponentServicing = 32784,
    RunningCritical = 32785,
    OffCritical = 32786,
    StoppingCritical = 32787,
    SavedCritical = 32788,
    PausedCritical = 32789,
    StartingCritical = 32790,
    ResetCritical = 32791,
    SavingCritical = 32792,
    PausingCritical = 32793,
    ResumingCritical = 32794,
    FastSavedCritical = 32795,
    FastSavingCritical = 32796,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.OnOffState.</summary>
public enum OnOffState
{
    On = 0,
    Off = 1,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.VMSwitchType.</summary>
public enum VMSwitchType
{
    Private = 0,
    Internal = 1,
    External = 2,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.SnapshotType.</summary>
public enum SnapshotType
{
    Standard = 0,
    Recovery = 1,
    Planned = 2,
    Missing = 3,
    Replica = 4,
    AppConsistentReplica = 5,
    SyncedReplica = 6,

    /// <summary>A production checkpoint (the guest's own backup service, no memory state). Not in the 2012 R2 documentation's list; hosts from 2016 take them.</summary>
    Production = 7,
}

/// <summary>Hyper-V's Microsoft.HyperV.PowerShell.CheckpointType: which checkpoints a VM takes (Set-VM -CheckpointType).</summary>
public enum CheckpointType
{
    Disabled = 2,
    Production = 3,
    ProductionOnly = 4,
    Standard = 5,
}

/// <summary>The NetTCPIP module's AddressFamily (MSFT_NetIPAddress.AddressFamily).</summary>
public enum AddressFamily
{
    IPv4 = 2,
    IPv6 = 23,
}
