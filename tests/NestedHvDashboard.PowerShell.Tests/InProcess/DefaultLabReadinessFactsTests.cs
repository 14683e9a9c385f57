using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>
/// The host facts script on the default lab: cluster membership through Get-Cluster (and a host that is not a node), the
/// processor's virtualization extensions as Win32_Processor reports them with Hyper-V running, and the verdicts they give.
/// </summary>
public sealed class DefaultLabReadinessFactsTests
{
    private readonly SimulatedLab _lab = LabScenarios.CreateDefaultLab(SimulationTiming.Fast());

    private PowerShellHyperVHost Connect(string name) => (PowerShellHyperVHost)HyperVHostFactory.Create(
        new HostConnectionSettings { Name = name, Address = name, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) },
        _lab);

    [Fact]
    public async Task The_cluster_node_reports_its_cluster_and_its_clustered_vms()
    {
        await using var host = Connect(LabScenarios.HostNames.Ws2019Intel);

        var inventory = await host.GetInventoryAsync();

        Assert.True(inventory.Facts.InFailoverCluster);
        Assert.Equal(LabScenarios.Ws2019ClusterName, inventory.Facts.ClusterName);
        Assert.Equal(["nested-l1-02", "sql-2019"], inventory.Vms.Where(v => v.IsClustered).Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal(ReadinessStatus.Warn, ClusterRules.Host(inventory.Facts).Status);
    }

    [Fact]
    public async Task A_host_that_is_not_a_node_reports_no_cluster_and_hyper_v_hides_the_extensions()
    {
        await using var host = Connect(LabScenarios.HostNames.Ws2016Intel);

        var facts = await host.GetHostFactsAsync();

        Assert.False(facts.InFailoverCluster);
        Assert.Null(facts.ClusterName);
        // With the hypervisor running Win32_Processor reads False: the rule passes on the running hypervisor, it does not fail.
        Assert.False(facts.VirtualizationFirmwareEnabled);
        Assert.Equal(ReadinessStatus.Pass, HostHardwareRules.VirtualizationExtensions(facts).Status);
    }

    [Fact]
    public async Task The_opteron_host_cannot_nest()
    {
        await using var host = Connect(LabScenarios.HostNames.Ws2016Opteron);

        var facts = await host.GetHostFactsAsync();

        Assert.Equal(ProcessorVendor.Amd, facts.ProcessorVendor);
        Assert.Equal("Cannot: AMD Opteron", HostVerdict.For(facts).Text);
    }
}
