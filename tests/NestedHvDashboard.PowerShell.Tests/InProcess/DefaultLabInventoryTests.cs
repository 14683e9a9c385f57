using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>The inventory of every host in the simulator's default lab, each in one round trip.</summary>
public sealed class DefaultLabInventoryTests
{
    private readonly SimulatedLab _lab = LabScenarios.CreateDefaultLab(SimulationTiming.Fast());

    private PowerShellHyperVHost Connect(SimulatedHost host) => (PowerShellHyperVHost)HyperVHostFactory.Create(
        new HostConnectionSettings { Name = host.Name, Address = host.Name, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) },
        _lab);

    [Fact]
    public async Task Every_host_lists_every_vm_with_its_facts_in_one_round_trip()
    {
        Assert.NotEmpty(_lab.Hosts);
        foreach (var simulated in _lab.Hosts)
        {
            await using var host = Connect(simulated);

            var inventory = await host.GetInventoryAsync();

            Assert.Equal(1, host.Session.InvocationCount);
            Assert.Equal(simulated.Name, inventory.Facts.Name);
            Assert.Equal(simulated.Profile.OsBuild, inventory.Facts.OsBuild);
            Assert.Equal(simulated.Profile.ProcessorManufacturer, inventory.Facts.ProcessorManufacturer);
            Assert.Equal(simulated.Profile.IsAzureVm, inventory.Facts.IsAzureVm);
            var expected = simulated.Read(h => h.Vms.Select(vm => (vm.Id, vm.Name, vm.ExposeVirtualizationExtensions, vm.NetworkAdapters.Count)).Order().ToList());
            Assert.Equal(expected, inventory.Vms.Select(vm => (vm.Id, vm.Name, vm.ExposeVirtualizationExtensions, vm.NetworkAdapters.Count)).Order().ToList());
        }
    }

    [Fact]
    public async Task The_azure_host_reports_its_security_type_and_the_amd_host_its_vendor()
    {
        await using var azure = Connect(_lab[LabScenarios.HostNames.Ws2025Azure]);
        await using var amd = Connect(_lab[LabScenarios.HostNames.Ws2022Amd]);

        var azureFacts = await azure.GetHostFactsAsync();
        var amdFacts = await amd.GetHostFactsAsync();

        Assert.True(azureFacts.IsAzureVm);
        Assert.Equal("TrustedLaunch", azureFacts.AzureSecurityType);
        Assert.Equal(ProcessorVendor.Amd, amdFacts.ProcessorVendor);
        Assert.False(amdFacts.IsAzureVm);
        Assert.Null(amdFacts.AzureSecurityType);
    }
}
