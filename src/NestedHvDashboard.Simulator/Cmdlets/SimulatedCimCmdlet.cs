using System.Management.Automation;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Base of the simulated CDXML (CIM) cmdlets — NetAdapter, NetTCPIP, NetNat, DnsClient — with the parameters every one of
/// them has: -CimSession (may only name this host), -ThrottleLimit (accepted; the simulator runs one operation) and -AsJob
/// (a finished job holding the output).
/// </summary>
public abstract class SimulatedCimCmdlet : SimulatorCmdlet
{
    /// <summary>A CIM session (or a computer name): it may only name this host.</summary>
    [Parameter]
    [Alias("Session")]
    [ValidateNotNullOrEmpty]
    public object[]? CimSession { get; set; }

    [Parameter]
    public int ThrottleLimit { get; set; }

    [Parameter]
    public SwitchParameter AsJob { get; set; }
}
