using System.Management.Automation;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Get-Cluster (FailoverClusters): the local cluster when the host is a node (<see cref="State.HostProfile.ClusterName"/>);
/// on any other host the error Windows gives when the cluster service is not running. -Name and -Domain are accepted as
/// documented; a name other than the host's cluster is not found.
/// </summary>
[Cmdlet(VerbsCommon.Get, "Cluster")]
[OutputType(typeof(SimulatedCluster))]
public sealed class GetClusterCommand : SimulatorCmdlet
{
    private const string ClusterTypeName = "Microsoft.FailoverClusters.PowerShell.Cluster";

    [Parameter(Position = 0)]
    public string? Name { get; set; }

    [Parameter]
    public string? Domain { get; set; }

    protected override void ProcessRecord()
    {
        var (cluster, domain) = Sim.Read(h => (h.Profile.ClusterName, h.Profile.Domain));
        if (string.IsNullOrEmpty(cluster) || (Name is { Length: > 0 } wanted && !string.Equals(wanted, cluster, StringComparison.OrdinalIgnoreCase)))
        {
            ThrowTerminatingError(Error(
                "The cluster service is not running.  Make sure that the service is running on all nodes in the cluster.",
                "ClusterCmdletNotRunning,Microsoft.FailoverClusters.PowerShell.GetClusterCommand",
                ErrorCategory.ConnectionError,
                Name ?? ".",
                new InvalidOperationException("The cluster service is not running.")));
        }

        Emit(new SimulatedCluster { Name = cluster!, Domain = domain }, ClusterTypeName);
    }
}

/// <summary>Get-Cluster's output (Microsoft.FailoverClusters.PowerShell.Cluster): the properties the dashboard reads.</summary>
public sealed class SimulatedCluster
{
    public required string Name { get; init; }

    public string Domain { get; init; } = "";
}
