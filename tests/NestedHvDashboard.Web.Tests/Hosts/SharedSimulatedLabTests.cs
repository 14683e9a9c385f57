using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Simulator;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary>
/// <c>Simulator:SharedFolder</c>: two dashboards (two host directories, as two instances build them at start) over one folder
/// see one lab. The first writes it, the second finds it, and a VM changed through one is changed for the other.
/// </summary>
public sealed class SharedSimulatedLabTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-sharedlab-").FullName;
    private readonly List<HostDirectory> _directories = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var directory in _directories)
        {
            await directory.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private async Task<HostDirectory> StartInstanceAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [HostDirectory.SimulatorEnabledSetting] = "true",
            [SimulatedLabConnector.SharedFolderSetting] = _folder,
            ["Simulator:Hosts"] = "3",
            ["Simulator:Vms"] = "12",
        }).Build();
        var directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance, connector: new PowerShellHostConnector());
        _directories.Add(directory);
        return directory;
    }

    [Fact]
    public async Task Two_labs_over_one_folder_see_one_VM_change()
    {
        var a = await StartInstanceAsync();
        var b = await StartInstanceAsync();

        Assert.True(a.Lab!.SharedFolder!.Created);
        Assert.False(b.Lab!.SharedFolder!.Created);
        Assert.Equal(["HV001", "HV002", "HV003"], a.Hosts.Select(h => h.Name));
        Assert.Equal(a.Hosts.Select(h => h.Name), b.Hosts.Select(h => h.Name));
        Assert.Equal(12, b.Lab.VmCount);

        // A VM that is off: nested virtualization set through A, then started through A; B reads both from the same host.
        var vmId = a.Lab.SharedFolder.Read("HV002", h => h.Vms.First(v => v.State == VMState.Off).Id);
        var before = await b["HV002"].GetVmAsync(vmId);
        await a["HV002"].SetNestedVirtualizationAsync(vmId, !before.ExposeVirtualizationExtensions);
        Assert.Equal(!before.ExposeVirtualizationExtensions, (await b["HV002"].GetVmAsync(vmId)).ExposeVirtualizationExtensions);

        await a["HV002"].StartVmAsync(vmId);
        await Eventually.HoldsAsync(async () => (await b["HV002"].GetVmAsync(vmId)).State == VmState.Running, TimeSpan.FromSeconds(30), "B seeing the VM A started Running");
        var inventory = await b["HV002"].GetInventoryAsync();
        Assert.Equal(VmState.Running, inventory.Vms.Single(v => v.Id == vmId).State);
        Assert.True(b.Lab.TryRead("HV002", h => h.FindVm(vmId)!.StateAt(DateTimeOffset.UtcNow), out var simulated));
        Assert.Equal(VMState.Running, simulated);
    }

    [Fact]
    public void A_folder_opened_while_another_process_writes_it_waits_and_finds_the_one_lab()
    {
        var opened = Enumerable.Range(0, 4).AsParallel().Select(_ => SharedLabFolder.Open(_folder, () => LabScenarios.Generate(2, 3, seed: 1))).ToList();

        Assert.Single(opened, o => o.Created);
        Assert.All(opened, o => Assert.Equal(["HV001", "HV002"], o.HostNames));
    }
}
