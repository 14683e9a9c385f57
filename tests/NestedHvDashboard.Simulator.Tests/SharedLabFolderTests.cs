using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// A lab in a shared folder: written once, found by every later opener, and each host reached through its state file, so a
/// runspace bound to it in one lab sees what a runspace of another lab over the same folder did (what two instances share).
/// </summary>
public sealed class SharedLabFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-sharedlab-sim-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SimulatedLab OneHostLab()
    {
        var lab = new SimulatedLab();
        lab.Add(TestHosts.Create("HV-SHARED"));
        return lab;
    }

    [Fact]
    public void The_first_opener_writes_the_lab_and_the_next_finds_it_without_writing()
    {
        var first = SharedLabFolder.Open(_folder, OneHostLab);
        var second = SharedLabFolder.Open(_folder, () => throw new InvalidOperationException("the lab is written once"));

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(["HV-SHARED"], second.HostNames);
        Assert.Equal(3, second.VmCount);
        Assert.True(File.Exists(second.StateFileOf("hv-shared")));
        Assert.Throws<KeyNotFoundException>(() => second.StateFileOf("HV-OTHER"));
    }

    [Fact]
    public async Task Runspaces_of_two_labs_over_one_folder_see_one_VM_change_and_its_boot()
    {
        var a = SharedLabFolder.Open(_folder, OneHostLab);
        var b = SharedLabFolder.Open(_folder, OneHostLab);
        using var onA = new SimulatorSession(SimulatorModule.CreateSharedSessionState(a.StateFileOf("HV-SHARED")));
        using var onB = new SimulatorSession(SimulatorModule.CreateSharedSessionState(b.StateFileOf("HV-SHARED")));

        onA.Run("Set-VMProcessor -VMName off-vm -ExposeVirtualizationExtensions $true").Succeeded();
        var seen = onB.Run("(Get-VMProcessor -VMName off-vm).ExposeVirtualizationExtensions").Succeeded().Output.Single();
        Assert.True((bool)seen.BaseObject);

        onA.Run("Start-VM -Name off-vm").Succeeded();
        await Eventually.HoldsAsync(() => onB.Run("(Get-VM -Name off-vm).State").Succeeded().Output.Single().ToString() == nameof(VMState.Running), TimeSpan.FromSeconds(30), "B seeing the VM A started boot to Running");
        Assert.Equal(VMState.Running, b.Read("HV-SHARED", h => h.FindVm("off-vm")!.StateAt(DateTimeOffset.UtcNow)));
    }
}
