using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

public sealed class FileBackedTests : IDisposable
{
    private readonly string stateFile = Path.Combine(Path.GetTempPath(), $"nestedhv-sim-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(stateFile);

    [Fact]
    public void Host_round_trips_through_a_file()
    {
        var host = TestHosts.Create();
        host.AddVm("x'; Remove-Item C:\\ -Recurse; '$(Get-Date)", vm => vm.ExposeVirtualizationExtensions = true);
        host.SaveToFile(stateFile);

        var loaded = SimulatedHost.LoadFromFile(stateFile);

        Assert.Equal(host.ToJson(), loaded.ToJson());
    }

    [Fact]
    public void Import_module_by_manifest_in_a_plain_runspace_uses_the_state_file()
    {
        var host = TestHosts.Create();
        host.SaveToFile(stateFile);
        var state = InitialSessionState.CreateDefault2();
        state.Variables.Add(new SessionStateVariableEntry(SimulatorModule.StateFileVariableName, stateFile, ""));
        using var session = new SimulatorSession(state);

        session.Run("param($path) Import-Module $path", new System.Collections.Hashtable { ["path"] = SimulatorModule.ManifestPath }).Succeeded();
        session.Run("Get-VMNetworkAdapter -VMName run-vm | Set-VMNetworkAdapter -MacAddressSpoofing On").Succeeded();
        session.Run("Set-VMProcessor -VMName off-vm -ExposeVirtualizationExtensions $true").Succeeded();
        var refused = session.Run("Set-VMProcessor -VMName run-vm -ExposeVirtualizationExtensions $true");
        Assert.Equal(ErrorCategory.InvalidOperation, refused.OnlyError.CategoryInfo.Category);
        var started = session.Run("Start-VM off-vm -Passthru").Succeeded().Output.Single();
        Assert.Equal(VMState.Running, started.Properties["State"].Value);

        var after = SimulatedHost.LoadFromFile(stateFile);
        Assert.True(after.FindVm("run-vm")!.NetworkAdapters.Single().MacAddressSpoofing);
        Assert.False(after.FindVm("run-vm")!.ExposeVirtualizationExtensions);
        Assert.True(after.FindVm("off-vm")!.ExposeVirtualizationExtensions);
        Assert.Equal(VMState.Running, after.FindVm("off-vm")!.StateAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Two_runspaces_on_one_file_stay_consistent()
    {
        var host = TestHosts.Create();
        for (var i = 0; i < 20; i++)
        {
            host.AddVm($"bulk-{i:D2}");
        }

        host.SaveToFile(stateFile);
        using var a = new SimulatorSession(SimulatorModule.CreateFileBackedSessionState(stateFile));
        using var b = new SimulatorSession(SimulatorModule.CreateFileBackedSessionState(stateFile));

        // Each runspace flips a different half; lost updates would leave some VMs unchanged.
        var first = a.RunAsync("0..19 | Where-Object { $_ % 2 -eq 0 } | ForEach-Object { Set-VMProcessor -VMName ('bulk-{0:D2}' -f $_) -ExposeVirtualizationExtensions $true }");
        var second = b.RunAsync("0..19 | Where-Object { $_ % 2 -eq 1 } | ForEach-Object { Set-VMProcessor -VMName ('bulk-{0:D2}' -f $_) -ExposeVirtualizationExtensions $true }");
        await Task.WhenAll(first, second);

        var after = SimulatedHost.LoadFromFile(stateFile);
        Assert.All(after.Vms.Where(v => v.Name.StartsWith("bulk-", StringComparison.Ordinal)), v => Assert.True(v.ExposeVirtualizationExtensions, v.Name));
    }

    [Fact]
    public void Without_a_host_or_state_file_the_cmdlets_say_so()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(SimulatorModule.ManifestPath);
        using var session = new SimulatorSession(state);
        Assert.Null(Environment.GetEnvironmentVariable(SimulatorModule.StateFileEnvironmentVariable));

        var result = session.Run("Get-VM");
        Assert.Equal(ErrorCategory.ResourceUnavailable, result.OnlyError.CategoryInfo.Category);
    }

    [Fact]
    public void Module_folder_is_in_the_referencing_project_output()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Module", SimulatorModule.ModuleName);
        Assert.True(File.Exists(Path.Combine(folder, "NestedHvDashboard.Simulator.psd1")));
        Assert.True(File.Exists(Path.Combine(folder, "NestedHvDashboard.Simulator.psm1")));
        Assert.True(File.Exists(Path.Combine(folder, "NestedHvDashboard.Simulator.dll")));
        Assert.Equal(Path.Combine(folder, "NestedHvDashboard.Simulator.psd1"), SimulatorModule.ManifestPath);
    }
}
