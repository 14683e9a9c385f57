namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>What the user chose in the dialog for a running VM.</summary>
public enum NestedSwitchChoice
{
    /// <summary>Graceful shutdown, change, start again.</summary>
    ShutDown,

    /// <summary>Hard power off, change, start again.</summary>
    TurnOff,

    /// <summary>Keep the VM running; change it the next time it is seen Off.</summary>
    AtNextShutdown,

    /// <summary>L2 VMs run in the guest: shut them down inside it first, change the L1, start them again (or leave them off after a disable).</summary>
    Cascade,
}
