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
}
