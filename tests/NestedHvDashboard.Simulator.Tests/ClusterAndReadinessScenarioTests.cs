using NestedHvDashboard.Simulator.Cmdlets;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// The default lab shows every answer of the newer readiness rules: a failover cluster node with clustered VMs, an AMD
/// Opteron host, a Linux guest; and Get-Cluster answers as FailoverClusters does on a node and on a host that is not one.
/// </summary>
public sealed class ClusterAndReadinessScenarioTests
{
    private static readonly SimulatedLab Lab = LabScenarios.CreateDefaultLab();

    [Fact]
    public void Get_cluster_names_the_cluster_on_a_node()
    {
        using var session = new SimulatorSession(Lab[LabScenarios.HostNames.Ws2019Intel]);

        var cluster = session.Run("Get-Cluster").Succeeded().One<SimulatedCluster>();
        var named = session.Run($"Get-Cluster -Name {LabScenarios.Ws2019ClusterName}").Succeeded().One<SimulatedCluster>();

        Assert.Equal(LabScenarios.Ws2019ClusterName, cluster.Name);
        Assert.Equal(cluster.Name, named.Name);
    }

    [Fact]
    public void Get_cluster_on_a_host_that_is_not_a_node_says_the_cluster_service_is_not_running()
    {
        using var session = new SimulatorSession(Lab[LabScenarios.HostNames.Ws2016Intel]);

        var error = session.Run("Get-Cluster").OnlyError;

        Assert.Contains("The cluster service is not running", error.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("ClusterCmdletNotRunning,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_vm_reports_which_vms_are_clustered()
    {
        using var session = new SimulatorSession(Lab[LabScenarios.HostNames.Ws2019Intel]);

        var clustered = session.Run("Get-VM | Where-Object IsClustered | ForEach-Object Name").Succeeded().Output.Select(o => (string)o.BaseObject).Order(StringComparer.Ordinal);

        Assert.Equal(["nested-l1-02", "sql-2019"], clustered);
    }

    [Fact]
    public void The_lab_has_an_opteron_host_and_a_linux_guest()
    {
        var opteron = Lab[LabScenarios.HostNames.Ws2016Opteron];
        var nginx = Lab[LabScenarios.HostNames.Ws2019Intel].Read(h => h.Vms.Single(v => v.Name == "linux-nginx"));

        Assert.Equal("AuthenticAMD", opteron.Profile.ProcessorManufacturer);
        Assert.Contains("Opteron", opteron.Profile.ProcessorName, StringComparison.Ordinal);
        Assert.NotEmpty(opteron.Read(h => h.Vms.ToList()));
        Assert.Equal("Ubuntu 22.04.4 LTS", nginx.GuestOsName);
        Assert.Equal(VMState.Running, nginx.StateAt(DateTimeOffset.UtcNow));
    }
}
