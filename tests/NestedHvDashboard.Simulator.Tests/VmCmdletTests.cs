using System.Collections;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

public sealed class VmCmdletTests : IDisposable
{
    private readonly SimulatedHost host = TestHosts.Create();
    private readonly SimulatorSession session;

    public VmCmdletTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void GetVm_returns_typed_virtual_machines_with_real_property_types()
    {
        var vm = session.Run("Get-VM -Name run-vm").Succeeded().One<VirtualMachine>();
        var ps = session.Run("Get-VM -Name run-vm").Output[0];

        Assert.Equal("Microsoft.HyperV.PowerShell.VirtualMachine", ps.TypeNames[0]);
        Assert.Equal(VMState.Running, vm.State);
        Assert.Equal(2, (int)vm.State);
        Assert.IsType<int>(ps.Properties["CPUUsage"].Value);
        Assert.IsType<long>(ps.Properties["MemoryAssigned"].Value);
        Assert.IsType<TimeSpan>(ps.Properties["Uptime"].Value);
        Assert.IsType<Guid>(ps.Properties["VMId"].Value);
        Assert.True(vm.Uptime >= TimeSpan.FromMinutes(4));
        Assert.InRange(vm.CPUUsage, 1, 100);
        Assert.Equal(vm.MemoryStartup, vm.MemoryAssigned);
        Assert.Equal("10.0", vm.Version);
        Assert.Null(vm.ParentSnapshotId);
        Assert.Equal("HV-TEST", vm.ComputerName);
        Assert.Matches("^[0-9A-F]{12}$", Assert.Single(vm.NetworkAdapters).MacAddress);
    }

    [Fact]
    public void GetVm_off_vm_has_no_cpu_memory_or_uptime()
    {
        var vm = session.Run("Get-VM off-vm").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Off, vm.State);
        Assert.Equal(0, vm.CPUUsage);
        Assert.Equal(0, vm.MemoryAssigned);
        Assert.Equal(TimeSpan.Zero, vm.Uptime);
    }

    [Fact]
    public void GetVm_supports_wildcards_several_names_and_id()
    {
        Assert.Equal(3, session.Run("Get-VM").Succeeded().Output.Count);
        Assert.Equal(["off-vm", "run-vm"], session.Run("Get-VM -Name *-vm | Where-Object Name -ne 'saved-vm' | ForEach-Object Name").Output.Select(o => (string)o.BaseObject).Order());
        Assert.Equal(2, session.Run("Get-VM -Name off-vm, RUN-VM").Succeeded().Output.Count);
        var id = host.FindVm("off-vm")!.Id;
        Assert.Equal("off-vm", session.Run("param($id) Get-VM -Id $id", new Hashtable { ["id"] = id }).Succeeded().One<VirtualMachine>().Name);
        Assert.Empty(session.Run("Get-VM -Name nothing*").Succeeded().Output);
    }

    [Fact]
    public void GetVm_unknown_name_is_a_non_terminating_object_not_found_error()
    {
        var result = session.Run("Get-VM -Name ghost, off-vm");
        Assert.Null(result.Terminating);
        Assert.Equal("off-vm", result.One<VirtualMachine>().Name);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("Hyper-V was unable to find a virtual machine with name \"ghost\".", error.Exception.Message);
        Assert.IsType<VirtualizationException>(error.Exception);
    }

    [Fact]
    public void A_vm_name_that_looks_like_script_is_just_a_name()
    {
        const string evil = "x'; Remove-Item C:\\ -Recurse; '$(Get-Date)";
        host.AddVm(evil);
        var p = new Hashtable { ["name"] = evil };

        session.Run("param($name) Set-VMProcessor -VMName $name -ExposeVirtualizationExtensions $true", p).Succeeded();

        Assert.Equal(evil, session.Run("param($name) Get-VM -Name $name", p).Succeeded().One<VirtualMachine>().Name);
        Assert.True(host.FindVm(evil)!.ExposeVirtualizationExtensions);
    }

    [Fact]
    public void SetVMProcessor_works_by_name_by_vm_object_and_from_the_pipeline()
    {
        host.AddVm("off-2");
        session.Run("Set-VMProcessor -VMName off-vm, off-2 -ExposeVirtualizationExtensions $true").Succeeded();
        Assert.True(host.FindVm("off-vm")!.ExposeVirtualizationExtensions);
        Assert.True(host.FindVm("off-2")!.ExposeVirtualizationExtensions);

        session.Run("Get-VM off-vm | Set-VMProcessor -ExposeVirtualizationExtensions $false").Succeeded();
        Assert.False(host.FindVm("off-vm")!.ExposeVirtualizationExtensions);

        session.Run("Set-VMProcessor -VM (Get-VM off-2) -Count 6").Succeeded();
        Assert.Equal(6, host.FindVm("off-2")!.ProcessorCount);

        var processor = session.Run("Get-VMProcessor -VMName off-vm | Set-VMProcessor -Count 2 -Passthru").Succeeded().One<VMProcessor>();
        Assert.Equal(2, processor.Count);
        Assert.False(processor.ExposeVirtualizationExtensions);
        Assert.Equal("off-vm", processor.VMName);
    }

    [Fact]
    public void SetVMProcessor_on_a_running_vm_fails_like_hyper_v_and_changes_nothing()
    {
        var before = host.ToJson();

        var result = session.Run("Set-VMProcessor -VMName run-vm -ExposeVirtualizationExtensions $true");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("The operation cannot be performed while the virtual machine is in its current state.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("run-vm", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, host.ToJson());
    }

    [Fact]
    public void SetVMProcessor_rejects_more_processors_than_the_host_has()
    {
        var result = session.Run("Set-VMProcessor -VMName off-vm -Count 100000");
        Assert.Equal(ErrorCategory.InvalidArgument, Assert.Single(result.Errors).CategoryInfo.Category);
        Assert.Equal(4, host.FindVm("off-vm")!.ProcessorCount);
    }

    [Fact]
    public void Unknown_vm_errors_leave_state_unchanged()
    {
        var before = host.ToJson();
        foreach (var script in new[]
        {
            "Set-VMProcessor -VMName ghost -ExposeVirtualizationExtensions $true",
            "Set-VMMemory -VMName ghost -StartupBytes 4GB",
            "Start-VM -Name ghost",
            "Stop-VM -Name ghost -TurnOff",
            "Get-VMNetworkAdapter -VMName ghost",
        })
        {
            var error = Assert.Single(session.Run(script).Errors);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        }

        Assert.Equal(before, host.ToJson());
    }

    [Fact]
    public void WhatIf_changes_nothing()
    {
        var before = host.ToJson();
        foreach (var script in new[]
        {
            "Set-VMProcessor -VMName off-vm -ExposeVirtualizationExtensions $true -WhatIf",
            "Get-VMNetworkAdapter -VMName run-vm | Set-VMNetworkAdapter -MacAddressSpoofing On -WhatIf",
            "Start-VM off-vm -WhatIf",
            "Stop-VM run-vm -WhatIf",
            "New-VMSwitch -Name NatSw -SwitchType Internal -WhatIf",
            "New-NetNat -Name Nat -InternalIPInterfaceAddressPrefix 192.168.0.0/24 -WhatIf",
            "Get-NetAdapter Ethernet | New-NetIPAddress -IPAddress 10.9.9.9 -PrefixLength 24 -WhatIf",
            "Set-VMMemory -VMName off-vm -DynamicMemoryEnabled $true -WhatIf",
            "Update-VMVersion -Name off-vm -WhatIf",
            "Remove-VMSwitch -Name External -WhatIf",
        })
        {
            session.Run(script).Succeeded();
        }

        Assert.Equal(before, host.ToJson());
    }

    [Fact]
    public void SetVMMemory_changes_dynamic_memory_only_when_off()
    {
        var memory = session.Run("Set-VMMemory -VMName off-vm -DynamicMemoryEnabled $true -StartupBytes 2GB -MinimumBytes 512MB -MaximumBytes 8GB -Passthru").Succeeded().One<VMMemory>();
        Assert.True(memory.DynamicMemoryEnabled);
        Assert.Equal(2 * TestHosts.GB, memory.Startup);

        var result = session.Run("Set-VMMemory -VMName run-vm -DynamicMemoryEnabled $true");
        Assert.Equal(ErrorCategory.InvalidOperation, Assert.Single(result.Errors).CategoryInfo.Category);
        Assert.False(host.FindVm("run-vm")!.DynamicMemoryEnabled);

        var read = session.Run("Get-VM run-vm | Get-VMMemory").Succeeded().One<VMMemory>();
        Assert.False(read.DynamicMemoryEnabled);
    }

    [Fact]
    public void SetVMMemory_turns_dynamic_memory_off_by_name_by_vm_object_and_from_the_pipeline()
    {
        host.AddVm("off-2", vm => vm.DynamicMemoryEnabled = true);
        host.AddVm("off-3", vm => vm.DynamicMemoryEnabled = true);
        host.Update(h => h.Vms.Find(v => v.Name == "off-vm")!.DynamicMemoryEnabled = true);

        session.Run("Set-VMMemory -VMName off-2 -DynamicMemoryEnabled $false").Succeeded();
        Assert.False(host.FindVm("off-2")!.DynamicMemoryEnabled);

        session.Run("Set-VMMemory -VM (Get-VM off-3) -DynamicMemoryEnabled $false -StartupBytes 6GB").Succeeded();
        Assert.False(host.FindVm("off-3")!.DynamicMemoryEnabled);
        Assert.Equal(6 * TestHosts.GB, host.FindVm("off-3")!.MemoryStartupBytes);

        var memory = session.Run("Get-VM off-vm | Set-VMMemory -DynamicMemoryEnabled $false -Passthru").Succeeded().One<VMMemory>();
        Assert.False(memory.DynamicMemoryEnabled);
        Assert.Equal("off-vm", memory.VMName);
        Assert.False(host.FindVm("off-vm")!.DynamicMemoryEnabled);
    }

    [Fact]
    public void SetVMMemory_turning_dynamic_memory_off_on_a_running_vm_fails_like_hyper_v_and_changes_nothing()
    {
        host.Update(h => h.Vms.Find(v => v.Name == "run-vm")!.DynamicMemoryEnabled = true);
        var before = host.ToJson();

        var result = session.Run("Get-VM run-vm | Set-VMMemory -DynamicMemoryEnabled $false -Passthru");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.StartsWith("InvalidState,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("'run-vm' failed to modify device 'Memory'.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("The operation cannot be performed while the virtual machine is in its current state.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Equal(before, host.ToJson());
    }

    [Fact]
    public void SetVMMemory_WhatIf_on_a_dynamic_memory_vm_changes_nothing()
    {
        host.Update(h => h.Vms.Find(v => v.Name == "off-vm")!.DynamicMemoryEnabled = true);
        var before = host.ToJson();

        session.Run("Set-VMMemory -VMName off-vm -DynamicMemoryEnabled $false -WhatIf").Succeeded();

        Assert.Equal(before, host.ToJson());
        Assert.True(host.FindVm("off-vm")!.DynamicMemoryEnabled);
    }

    [Fact]
    public void Mac_spoofing_from_the_pipeline_and_by_name()
    {
        var adapters = session.Run("Get-VMNetworkAdapter -VMName run-vm | Set-VMNetworkAdapter -MacAddressSpoofing On -Passthru").Succeeded().All<VMNetworkAdapter>();
        Assert.Equal(OnOffState.On, Assert.Single(adapters).MacAddressSpoofing);
        Assert.True(host.FindVm("run-vm")!.NetworkAdapters[0].MacAddressSpoofing);

        session.Run("Set-VMNetworkAdapter -VMName run-vm -MacAddressSpoofing Off").Succeeded();
        Assert.False(host.FindVm("run-vm")!.NetworkAdapters[0].MacAddressSpoofing);

        // -All is every VM's adapters and, as documented, the management OS's (the External switch's host adapter).
        var all = session.Run("Get-VMNetworkAdapter -All").Succeeded().All<VMNetworkAdapter>();
        Assert.Equal(3, all.Count(a => !a.IsManagementOs));
        Assert.Equal("External", Assert.Single(all, a => a.IsManagementOs).SwitchName);
        Assert.All(all, a => Assert.Equal(OnOffState.Off, a.MacAddressSpoofing));
        Assert.Equal(3, session.Run("Get-VM | Get-VMNetworkAdapter").Succeeded().Output.Count);
    }

    [Fact]
    public void Start_and_stop_block_until_the_target_state()
    {
        var started = session.Run("Start-VM -Name off-vm -Passthru").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Running, started.State);

        var warned = session.Run("Start-VM -Name off-vm");
        Assert.Single(warned.Warnings);
        Assert.Empty(warned.Errors);

        var stopped = session.Run("Get-VM off-vm | Stop-VM -Passthru").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Off, stopped.State);

        var saved = session.Run("Save-VM run-vm -Passthru").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Saved, saved.State);
        Assert.Equal(TimeSpan.Zero, saved.Uptime);

        Assert.Equal(VMState.Running, session.Run("Start-VM saved-vm -Passthru").Succeeded().One<VirtualMachine>().State);
        Assert.Equal(VMState.Off, session.Run("Stop-VM saved-vm -TurnOff -Passthru").Succeeded().One<VirtualMachine>().State);
    }

    [Fact]
    public void Graceful_stop_without_shutdown_integration_fails_and_turn_off_works()
    {
        host.Update(h => h.Vms.Find(v => v.Name == "run-vm")!.GuestShutdownIntegration = false);

        var result = session.Run("Stop-VM run-vm");
        Assert.Single(result.Errors);
        Assert.Equal(VMState.Running, host.FindVm("run-vm")!.StateAt(DateTimeOffset.UtcNow));

        session.Run("Stop-VM run-vm -TurnOff").Succeeded();
        Assert.Equal(VMState.Off, host.FindVm("run-vm")!.StateAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Starting_and_stopping_are_visible_from_another_runspace()
    {
        host.Update(h => h.Timing = new SimulationTiming { StartDuration = TimeSpan.FromMilliseconds(600), StopDuration = TimeSpan.FromMilliseconds(600) });
        using var observer = new SimulatorSession(host);
        VMState Observe() => observer.Run("(Get-VM off-vm).State").Output.Select(o => (VMState)o.BaseObject).Single();

        var start = session.RunAsync("Start-VM off-vm");
        await Eventually.HoldsAsync(() => Observe() == VMState.Starting, TimeSpan.FromSeconds(10));
        await start;
        Assert.Equal(VMState.Running, Observe());

        var stop = session.RunAsync("Stop-VM off-vm");
        await Eventually.HoldsAsync(() => Observe() == VMState.Stopping, TimeSpan.FromSeconds(10));
        await stop;
        Assert.Equal(VMState.Off, Observe());
    }

    [Fact]
    public void Cpu_usage_moves_only_while_running()
    {
        var vm = host.FindVm("run-vm")!;
        var t0 = DateTimeOffset.UtcNow;
        var samples = Enumerable.Range(0, 60).Select(i => vm.CpuUsageAt(t0.AddSeconds(i * 7))).ToList();
        Assert.True(samples.Distinct().Count() > 3);
        Assert.All(samples, s => Assert.InRange(s, 0, 100));
        Assert.Equal(samples, Enumerable.Range(0, 60).Select(i => vm.CpuUsageAt(t0.AddSeconds(i * 7))).ToList());
        Assert.Equal(0, host.FindVm("off-vm")!.CpuUsageAt(t0));
    }

    [Fact]
    public void UpdateVMVersion_raises_an_off_vm_to_the_host_default_and_refuses_a_running_one()
    {
        host.Update(h => h.Vms.Find(v => v.Name == "off-vm")!.Version = "8.0");
        var updated = session.Run("Update-VMVersion -Name off-vm -Force -Passthru").Succeeded().One<VirtualMachine>();
        Assert.Equal("10.0", updated.Version);

        host.Update(h => h.Vms.Find(v => v.Name == "run-vm")!.Version = "8.0");
        var result = session.Run("Update-VMVersion -Name run-vm -Force");
        Assert.Equal(ErrorCategory.InvalidOperation, Assert.Single(result.Errors).CategoryInfo.Category);
        Assert.Equal("8.0", host.FindVm("run-vm")!.Version);

        host.Update(h => h.Vms.Find(v => v.Name == "off-vm")!.Version = "12.0");
        result = session.Run("Update-VMVersion -Name off-vm -Force");
        Assert.Equal(ErrorCategory.InvalidOperation, Assert.Single(result.Errors).CategoryInfo.Category);
        Assert.Equal("12.0", host.FindVm("off-vm")!.Version);
    }

    [Fact]
    public void Checkpoints_are_listed_and_named_as_parent()
    {
        host.Update(h =>
        {
            var vm = h.Vms.Find(v => v.Name == "off-vm")!;
            var first = new SimulatedCheckpoint { Name = "before-patch", CreationTime = DateTimeOffset.UtcNow.AddDays(-2) };
            var second = new SimulatedCheckpoint { Name = "after-patch", ParentId = first.Id, CreationTime = DateTimeOffset.UtcNow.AddDays(-1) };
            vm.Checkpoints.AddRange([first, second]);
            vm.ParentCheckpointId = second.Id;
        });

        var snapshots = session.Run("Get-VMSnapshot -VMName off-vm").Succeeded().All<VMSnapshot>();
        Assert.Equal(["before-patch", "after-patch"], snapshots.Select(s => s.Name));
        Assert.Equal(snapshots[0].Id, snapshots[1].ParentSnapshotId);
        var vm = session.Run("Get-VM off-vm").One<VirtualMachine>();
        Assert.Equal(snapshots[1].Id, vm.ParentSnapshotId);
        Assert.Equal(2, session.Run("Get-VM off-vm | Get-VMCheckpoint").Succeeded().Output.Count);
    }

    [Fact]
    public void Host_and_supported_versions()
    {
        var vmHost = session.Run("Get-VMHost").Succeeded().One<VMHost>();
        Assert.Equal(128, vmHost.LogicalProcessorCount);

        var versions = session.Run("Get-VMHostSupportedVersion").Succeeded().All<VMHostSupportedVersion>();
        Assert.Equal(new Version(5, 0), versions[0].Version);
        Assert.Equal(new Version(10, 0), versions[^1].Version);
        var single = session.Run("Get-VMHostSupportedVersion -Default").Succeeded().One<VMHostSupportedVersion>();
        Assert.True(single.IsDefault);
        Assert.Equal(new Version(10, 0), single.Version);
    }
}
