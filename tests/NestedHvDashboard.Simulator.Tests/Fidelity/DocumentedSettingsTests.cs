using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests.Fidelity;

/// <summary>Documented parameters the simulator now models, stores, or refuses the way Hyper-V does.</summary>
public sealed class DocumentedSettingsTests : IDisposable
{
    private readonly SimulatedHost host = TestHosts.Create();
    private readonly SimulatorSession session;

    public DocumentedSettingsTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void Processor_resource_controls_change_a_running_vm_and_show_in_get_vmprocessor()
    {
        session.Run("Set-VMProcessor run-vm -Reserve 10 -Maximum 75 -RelativeWeight 200").Succeeded();

        var processor = session.Run("Get-VMProcessor run-vm").Succeeded().One<VMProcessor>();
        Assert.Equal((10L, 75L, 200), (processor.Reserve, processor.Maximum, processor.RelativeWeight));
        Assert.Equal("75", host.FindVm("run-vm")!.StoredSettings["Processor.Maximum"]);
    }

    [Fact]
    public void Processor_refusals_leave_the_vm_as_it_was()
    {
        var before = host.ToJson();
        var reserveAboveLimit = session.Run("Set-VMProcessor off-vm -Reserve 80 -Maximum 50").OnlyError;
        Assert.Equal(ErrorCategory.InvalidArgument, reserveAboveLimit.CategoryInfo.Category);
        Assert.Contains("reserve (80%) cannot be greater than the virtual machine limit (50%)", reserveAboveLimit.Exception.Message, StringComparison.Ordinal);

        var smtWhileRunning = session.Run("Set-VMProcessor run-vm -HwThreadCountPerCore 2").OnlyError;
        Assert.Equal(ErrorCategory.InvalidOperation, smtWhileRunning.CategoryInfo.Category);
        Assert.Contains("failed to modify device 'Processor'", smtWhileRunning.Exception.Message, StringComparison.Ordinal);

        var outOfRange = session.Run("Set-VMProcessor off-vm -Maximum 101").OnlyError;
        Assert.StartsWith("ParameterArgumentValidationError,", outOfRange.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(before, host.ToJson());

        session.Run("Set-VMProcessor off-vm -HwThreadCountPerCore 2 -Perfmon pmu,lbr -EnableHostResourceProtection $true").Succeeded();
        var stored = host.FindVm("off-vm")!.StoredSettings;
        Assert.Equal(("2", "pmu,lbr", "True"), (stored["Processor.HwThreadCountPerCore"], stored["Processor.Perfmon"], stored["Processor.EnableHostResourceProtection"]));
        Assert.Equal(ErrorCategory.InvalidArgument, session.Run("Set-VMProcessor off-vm -Perfmon pmu,gpu").OnlyError.CategoryInfo.Category);
    }

    [Fact]
    public void Memory_buffer_and_priority_are_kept_and_numa_needs_the_vm_off()
    {
        session.Run("Get-VMMemory run-vm | Set-VMMemory -Buffer 25 -Priority 80").Succeeded();
        var memory = session.Run("Get-VMMemory run-vm").Succeeded().One<VMMemory>();
        Assert.Equal((25, 80), (memory.Buffer, memory.Priority));

        var numa = session.Run("Set-VMMemory run-vm -MaximumAmountPerNumaNodeBytes 4GB").OnlyError;
        Assert.Equal(ErrorCategory.InvalidOperation, numa.CategoryInfo.Category);
        Assert.StartsWith("ParameterArgumentValidationError,", session.Run("Set-VMMemory run-vm -Buffer 4").OnlyError.FullyQualifiedErrorId, StringComparison.Ordinal);
        session.Run("Set-VMMemory off-vm -MaximumAmountPerNumaNodeBytes 4GB -ResourcePoolName Primordial").Succeeded();
        Assert.Equal("4294967296", host.FindVm("off-vm")!.StoredSettings["Memory.MaximumAmountPerNumaNodeBytes"]);
    }

    [Fact]
    public void Network_adapter_settings_are_stored_and_the_mac_address_needs_the_vm_off()
    {
        session.Run("Set-VMNetworkAdapter -VMName run-vm -DhcpGuard On -RouterGuard On -VmqWeight 100 -PortMirroring Source").Succeeded();
        var stored = host.FindVm("run-vm")!.NetworkAdapters[0].StoredSettings;
        Assert.Equal(("On", "On", "100", "Source"), (stored["DhcpGuard"], stored["RouterGuard"], stored["VmqWeight"], stored["PortMirroring"]));

        var running = session.Run("Set-VMNetworkAdapter -VMName run-vm -StaticMacAddress 00155D0A0B0C").OnlyError;
        Assert.Equal(ErrorCategory.InvalidOperation, running.CategoryInfo.Category);
        Assert.Equal(ErrorCategory.InvalidArgument, session.Run("Set-VMNetworkAdapter -VMName off-vm -StaticMacAddress 01155D0A0B0C").OnlyError.CategoryInfo.Category);

        var changed = session.Run("Get-VM off-vm | Set-VMNetworkAdapter -StaticMacAddress 00-15-5D-0A-0B-0C -Passthru").Succeeded().One<VMNetworkAdapter>();
        Assert.Equal(("00155D0A0B0C", false), (changed.MacAddress, changed.DynamicMacAddressEnabled));
        var dynamic = session.Run("Set-VMNetworkAdapter -VMName off-vm -DynamicMacAddress -Passthru").Succeeded().One<VMNetworkAdapter>();
        Assert.True(dynamic.DynamicMacAddressEnabled);
        Assert.NotEqual("00155D0A0B0C", dynamic.MacAddress);
    }

    [Fact]
    public void Management_os_adapters_take_their_settings_on_the_switch()
    {
        session.Run("New-VMSwitch -Name NatSw -SwitchType Internal").Succeeded();
        session.Run("Set-VMNetworkAdapter -ManagementOS -Name NatSw -DhcpGuard On -MacAddressSpoofing On").Succeeded();
        var vmSwitch = host.Read(h => h.Switches.Single(s => s.Name == "NatSw"));
        Assert.Equal("On", vmSwitch.StoredSettings["ManagementOS.DhcpGuard"]);
        var adapter = session.Run("Get-VMNetworkAdapter -ManagementOS -SwitchName NatSw").Succeeded().One<VMNetworkAdapter>();
        Assert.Equal(OnOffState.On, adapter.MacAddressSpoofing);
        Assert.Contains(session.Run("Get-VMNetworkAdapter -All").Succeeded().All<VMNetworkAdapter>(), a => a.IsManagementOs && a.Name == "NatSw");
        Assert.Empty(session.Run("Get-VMNetworkAdapter -VMName run-vm -IsLegacy $true").Succeeded().Output);
    }

    [Fact]
    public void New_vm_keeps_disk_settings_refuses_a_generation_1_boot_device_and_runs_as_a_job()
    {
        var vm = session.Run(@"New-VM -Name disk-vm -Generation 2 -MemoryStartupBytes 2GB -NewVHDPath D:\vhd\disk-vm.vhdx -NewVHDSizeBytes 40GB -Path D:\vms -BootDevice VHD").Succeeded().One<VirtualMachine>();
        var stored = host.FindVm("disk-vm")!.StoredSettings;
        Assert.Equal((@"D:\vhd\disk-vm.vhdx", "42949672960", @"D:\vms", "VHD"), (stored["NewVM.NewVHDPath"], stored["NewVM.NewVHDSizeBytes"], stored["NewVM.Path"], stored["NewVM.BootDevice"]));
        Assert.Equal(2, vm.Generation);

        var floppy = session.Run("New-VM -Name floppy-vm -Generation 2 -BootDevice Floppy -NoVHD").OnlyError;
        Assert.Equal(ErrorCategory.InvalidArgument, floppy.CategoryInfo.Category);
        Assert.Null(host.FindVm("floppy-vm"));

        var received = session.Run("$job = New-VM -Name job-vm -AsJob; $job.State; Receive-Job $job").Succeeded().Output;
        Assert.Equal("Completed", received[0].ToString());
        Assert.Equal("job-vm", Assert.IsType<VirtualMachine>(received[1].BaseObject).Name);
        session.Run(@"New-VM -Name existing-disk -VHDPath D:\vhd\base.vhdx").Succeeded();
        Assert.Equal(@"D:\vhd\base.vhdx", host.FindVm("existing-disk")!.StoredSettings["NewVM.VHDPath"]);
    }

    [Fact]
    public void Another_computer_is_refused_and_this_one_is_accepted()
    {
        var before = host.ToJson();
        var remote = session.Run("New-VM -Name remote-vm -ComputerName HostServer01").OnlyError;
        Assert.Equal(ErrorCategory.ConnectionError, remote.CategoryInfo.Category);
        Assert.Contains("'HostServer01'", remote.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ConnectionError, session.Run("Get-NetAdapter -CimSession Server5").OnlyError.CategoryInfo.Category);
        Assert.Equal(before, host.ToJson());

        session.Run("New-VM -Name local-vm -ComputerName localhost; Set-VMProcessor local-vm -Count 2 -ComputerName HV-TEST.lab.example; Get-NetNat -CimSession .").Succeeded();
        Assert.Equal(2, host.FindVm("local-vm")!.ProcessorCount);
    }

    [Fact]
    public void New_vmswitch_binds_by_interface_description_and_keeps_its_settings()
    {
        host.AddNetAdapter("Ethernet 2", "Contoso 12345 Gigabit Network Device");
        var created = session.Run("New-VMSwitch Ext2 -NetAdapterInterfaceDescription 'Contoso 12345 Gigabit Network Device' -AllowManagementOS $false -Notes 'lab uplink' -MinimumBandwidthMode Weight").Succeeded().One<VMSwitch>();
        Assert.Equal(VMSwitchType.External, created.SwitchType);
        var stored = host.Read(h => h.Switches.Single(s => s.Name == "Ext2")).StoredSettings;
        Assert.Equal(("lab uplink", "Weight"), (stored["Notes"], stored["MinimumBandwidthMode"]));
        Assert.Equal(ErrorCategory.InvalidOperation, session.Run("New-VMSwitch Ext3 -NetAdapterName 'Ethernet 2'").OnlyError.CategoryInfo.Category);
        Assert.Single(session.Run("Get-VMSwitch -ResourcePoolName Primordial -SwitchType External | Where-Object Name -eq Ext2").Succeeded().Output);
    }

    [Fact]
    public void Power_cmdlets_run_as_jobs_and_get_vm_takes_names_ids_and_cluster_objects()
    {
        var job = session.Run("Start-VM -Name off-vm -AsJob -Passthru | Wait-Job | Receive-Job").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Running, job.State);
        Assert.Equal(VMState.Running, host.FindVm("off-vm")!.StateAt(DateTimeOffset.UtcNow));

        Assert.Equal("run-vm", session.Run("'run-vm' | Get-VM").Succeeded().One<VirtualMachine>().Name);
        var cluster = session.Run("[pscustomobject]@{ Name = 'Virtual Machine saved-vm'; GroupType = 'VirtualMachine' } | Get-VM").Succeeded().One<VirtualMachine>();
        Assert.Equal("saved-vm", cluster.Name);
    }

    [Fact]
    public void A_checkpoint_shows_its_own_processor_and_memory_and_loses_its_saved_state()
    {
        session.Run("Checkpoint-VM -Name off-vm -SnapshotName before").Succeeded();
        session.Run("Set-VMProcessor off-vm -Count 8; Set-VMMemory off-vm -StartupBytes 8GB").Succeeded();

        Assert.Equal(4, session.Run("Get-VMSnapshot off-vm | Get-VMProcessor").Succeeded().One<VMProcessor>().Count);
        Assert.Equal(8, session.Run("Get-VMProcessor off-vm").Succeeded().One<VMProcessor>().Count);
        Assert.Equal(host.FindVm("off-vm")!.Checkpoints[0].Settings!.MemoryStartupBytes, session.Run("Get-VMMemory -VMSnapshot (Get-VMSnapshot off-vm)").Succeeded().One<VMMemory>().Startup);

        host.Update(h => h.Vms.Single(v => v.Name == "off-vm").Checkpoints[0].HoldsMemory = true);
        session.Run("Get-VMSnapshot off-vm | Remove-VMSavedState").Succeeded();
        Assert.False(host.FindVm("off-vm")!.Checkpoints[0].HoldsMemory);
    }

    [Fact]
    public void Get_vmsnapshot_walks_the_tree_by_parent_child_and_vm_id()
    {
        session.Run("Checkpoint-VM off-vm first; Checkpoint-VM off-vm second").Succeeded();
        var second = session.Run("Get-VMSnapshot off-vm -Name second").Succeeded().One<VMSnapshot>();

        Assert.Equal("first", session.Run("param($s) Get-VMSnapshot -ParentOf $s", new Dictionary<string, object> { ["s"] = second }).Succeeded().One<VMSnapshot>().Name);
        Assert.Equal("second", session.Run("Get-VMSnapshot -ChildOf (Get-VMSnapshot off-vm -Name first)").Succeeded().One<VMSnapshot>().Name);
        Assert.Equal("second", session.Run("Get-VMSnapshot -ParentOf (Get-VM off-vm)").Succeeded().One<VMSnapshot>().Name);
        Assert.Equal(2, session.Run("Get-VMSnapshot -Id (Get-VM off-vm).Id").Succeeded().Output.Count);
        Assert.Equal(ErrorCategory.ObjectNotFound, session.Run("Get-VMSnapshot -Id ([guid]::NewGuid())").OnlyError.CategoryInfo.Category);
        Assert.Equal(ErrorCategory.ConnectionError, session.Run("Get-VMHost -CimSession OtherHost").OnlyError.CategoryInfo.Category);
        Assert.Single(session.Run("Get-VMHostSupportedVersion -CimSession localhost -Default").Succeeded().Output);
    }

    [Fact]
    public void Dism_feature_cmdlets_take_the_servicing_options_and_refuse_an_offline_image()
    {
        session.Run("Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -LogLevel Errors -LP C:\\dism.log -ScratchDirectory C:\\scratch").Succeeded();
        var before = host.ToJson();
        var offline = session.Run("Enable-WindowsOptionalFeature -Path C:\\offline -FeatureName Microsoft-Hyper-V -All -LimitAccess").OnlyError;
        Assert.Equal("The system cannot find the path specified.", offline.Exception.Message);
        Assert.Equal(before, host.ToJson());
    }
}
