using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>The engine against the simulator in this process: the same scripts a real host runs.</summary>
public sealed class InProcessHostTests : IAsyncLifetime
{
    private const string HostName = "HV-TEST";
    private const string MaliciousName = "x'; Remove-Item C:\\ -Recurse; '$(Get-Date)";

    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private readonly SimulatedVm _off;
    private readonly SimulatedVm _running;
    private readonly SimulatedVm _twoAdapters;
    private readonly SimulatedVm _malicious;
    private PowerShellHyperVHost? _dashboardHost;

    public InProcessHostTests()
    {
        _host = new SimulatedHost(HostName, new HostProfile
        {
            OsCaption = "Microsoft Windows Server 2022 Datacenter",
            OsVersion = "10.0.20348",
            OsBuild = 20348,
            ProductType = 3,
            ProcessorManufacturer = "GenuineIntel",
            ProcessorName = "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
            LogicalProcessors = 64,
            MemoryBytes = 256L * 1024 * 1024 * 1024,
        })
        { Timing = SimulationTiming.Fast() };
        _host.AddSwitch("LabSwitch", VMSwitchType.Internal);
        _off = _host.AddVm("off01", vm =>
        {
            vm.Version = "9.0";
            vm.ProcessorCount = 4;
            vm.MemoryStartupBytes = 8L * 1024 * 1024 * 1024;
            vm.Checkpoints.Add(new SimulatedCheckpoint { Name = "before update", CreationTime = DateTimeOffset.UtcNow });
        });
        _running = _host.AddVm("run01", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-30);
            vm.GuestOsName = "Windows Server 2019 Datacenter";
            vm.GuestOsVersion = "10.0.17763";
            vm.DynamicMemoryEnabled = true;
        });
        _twoAdapters = _host.AddVm("net01", vm =>
        {
            vm.NetworkAdapters.Add(new SimulatedVmNetworkAdapter { Name = "Second Adapter", SwitchName = "LabSwitch", MacAddress = "00155D0000AA" });
        });
        _malicious = _host.AddVm(MaliciousName);
        _lab.Add(_host);
    }

    private PowerShellHyperVHost DashboardHost => _dashboardHost ?? throw new InvalidOperationException("Not initialised.");

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(Settings(TimeSpan.FromSeconds(30)), _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await DashboardHost.DisposeAsync();

    private static HostConnectionSettings Settings(TimeSpan timeout) =>
        new() { Name = "Lab host", Address = HostName, Transport = HostTransport.InProcess, Timeout = timeout };

    [Fact]
    public async Task The_inventory_maps_host_facts_and_every_vm_in_one_round_trip()
    {
        var before = DashboardHost.Session.InvocationCount;

        var inventory = await DashboardHost.GetInventoryAsync();

        Assert.Equal(before + 1, DashboardHost.Session.InvocationCount);
        var facts = inventory.Facts;
        Assert.Equal(HostName, facts.Name);
        Assert.Equal("Microsoft Windows Server 2022 Datacenter", facts.OsCaption);
        Assert.Equal("10.0.20348", facts.OsVersion);
        Assert.Equal(20348, facts.OsBuild);
        Assert.True(facts.IsServer);
        Assert.Equal(ProcessorVendor.Intel, facts.ProcessorVendor);
        Assert.Equal("GenuineIntel", facts.ProcessorManufacturer);
        Assert.Equal("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", facts.ProcessorModel);
        Assert.Equal(64, facts.LogicalProcessors);
        Assert.Equal(256L * 1024 * 1024 * 1024, facts.MemoryBytes);
        Assert.True(facts.HyperVPresent);
        Assert.Contains(new Version(9, 0), facts.SupportedConfigVersions);
        Assert.Equal(facts.SupportedConfigVersions.Order().ToList(), facts.SupportedConfigVersions);
        Assert.Equal(new Version(10, 0), facts.DefaultConfigVersion);
        Assert.False(facts.IsAzureVm);

        Assert.Equal(4, inventory.Vms.Count);
        var off = inventory.Vms.Single(vm => vm.Id == _off.Id);
        Assert.Equal("off01", off.Name);
        Assert.Equal(VmState.Off, off.State);
        Assert.Equal(TimeSpan.Zero, off.Uptime);
        Assert.Equal(new Version(9, 0), off.ConfigVersion);
        Assert.Equal(2, off.Generation);
        Assert.Equal(4, off.ProcessorCount);
        Assert.Equal(8L * 1024 * 1024 * 1024, off.MemoryStartupBytes);
        Assert.False(off.DynamicMemoryEnabled);
        Assert.False(off.ExposeVirtualizationExtensions);
        Assert.True(off.HasCheckpoints);
        Assert.Null(off.GuestOsName);

        var running = inventory.Vms.Single(vm => vm.Id == _running.Id);
        Assert.Equal(VmState.Running, running.State);
        Assert.True(running.Uptime > TimeSpan.FromMinutes(29));
        Assert.True(running.MemoryAssignedBytes > 0);
        Assert.True(running.DynamicMemoryEnabled);
        Assert.False(running.HasCheckpoints);
        Assert.Equal("Windows Server 2019 Datacenter", running.GuestOsName);
        Assert.Equal("10.0.17763", running.GuestOsVersion);

        var adapters = inventory.Vms.Single(vm => vm.Id == _twoAdapters.Id).NetworkAdapters;
        Assert.Equal(["Network Adapter", "Second Adapter"], adapters.Select(a => a.Name).Order());
        var second = adapters.Single(a => a.Name == "Second Adapter");
        Assert.Equal("LabSwitch", second.SwitchName);
        Assert.Equal("00155D0000AA", second.MacAddress);
        Assert.False(second.MacAddressSpoofing);
    }

    [Fact]
    public async Task Host_facts_alone_are_one_round_trip_too()
    {
        var before = DashboardHost.Session.InvocationCount;

        var facts = await DashboardHost.GetHostFactsAsync();

        Assert.Equal(before + 1, DashboardHost.Session.InvocationCount);
        Assert.Equal(HostName, facts.Name);
    }

    [Fact]
    public async Task Nested_virtualization_is_switched_on_and_off_on_an_off_vm()
    {
        var on = await DashboardHost.SetNestedVirtualizationAsync(_off.Id, enabled: true);
        Assert.True(on.ExposeVirtualizationExtensions);
        Assert.True(_host.FindVm(_off.Id)!.ExposeVirtualizationExtensions);

        var off = await DashboardHost.SetNestedVirtualizationAsync(_off.Id, enabled: false);
        Assert.False(off.ExposeVirtualizationExtensions);
        Assert.False(_host.FindVm(_off.Id)!.ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task A_running_vm_is_InvalidVmState_and_unchanged()
    {
        await DashboardHost.GetInventoryAsync(); // the dashboard knows the VM's name

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.SetNestedVirtualizationAsync(_running.Id, enabled: true));

        Assert.Equal(HostErrorKind.InvalidVmState, error.Kind);
        Assert.Equal("Lab host", error.HostName);
        Assert.Equal("run01", error.VmName);
        Assert.Equal("Set-VMProcessor -ExposeVirtualizationExtensions $true", error.Operation);
        Assert.NotEmpty(error.HostMessage);
        Assert.False(_host.FindVm(_running.Id)!.ExposeVirtualizationExtensions);
        Assert.Equal(VMState.Running, _host.FindVm(_running.Id)!.State);
    }

    [Fact]
    public async Task Dynamic_memory_is_switched_off_and_on_on_an_off_vm()
    {
        _host.Update(h => h.Vms.Single(vm => vm.Id == _off.Id).DynamicMemoryEnabled = true);

        var off = await DashboardHost.SetDynamicMemoryAsync(_off.Id, enabled: false);
        Assert.False(off.DynamicMemoryEnabled);
        Assert.Equal(VmState.Off, off.State);
        Assert.False(_host.FindVm(_off.Id)!.DynamicMemoryEnabled);

        var on = await DashboardHost.SetDynamicMemoryAsync(_off.Id, enabled: true);
        Assert.True(on.DynamicMemoryEnabled);
        Assert.True(_host.FindVm(_off.Id)!.DynamicMemoryEnabled);
    }

    [Fact]
    public async Task Dynamic_memory_on_a_running_vm_is_InvalidVmState_and_unchanged()
    {
        await DashboardHost.GetInventoryAsync(); // the dashboard knows the VM's name

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.SetDynamicMemoryAsync(_running.Id, enabled: false));

        Assert.Equal(HostErrorKind.InvalidVmState, error.Kind);
        Assert.Equal("Lab host", error.HostName);
        Assert.Equal("run01", error.VmName);
        Assert.Equal("Set-VMMemory -DynamicMemoryEnabled $false", error.Operation);
        Assert.Contains("failed to modify device 'Memory'", error.HostMessage, StringComparison.Ordinal);
        Assert.True(_host.FindVm(_running.Id)!.DynamicMemoryEnabled);
        Assert.Equal(VMState.Running, _host.FindVm(_running.Id)!.StateAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task An_unknown_vm_id_is_VmNotFound()
    {
        var unknown = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.SetNestedVirtualizationAsync(unknown, enabled: true));

        Assert.Equal(HostErrorKind.VmNotFound, error.Kind);
        Assert.Contains(unknown.ToString(), error.HostMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Start_returns_once_running()
    {
        var started = await DashboardHost.StartVmAsync(_off.Id);

        Assert.Equal(VmState.Running, started.State);
        Assert.Equal(VMState.Running, _host.FindVm(_off.Id)!.StateAt(DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData(StopMode.ShutDown, VmState.Off)]
    [InlineData(StopMode.TurnOff, VmState.Off)]
    [InlineData(StopMode.Save, VmState.Saved)]
    public async Task Stop_modes_end_in_off_or_saved(StopMode mode, VmState expected)
    {
        var stopped = await DashboardHost.StopVmAsync(_running.Id, mode);

        Assert.Equal(expected, stopped.State);
        Assert.Equal(expected.ToString(), _host.FindVm(_running.Id)!.StateAt(DateTimeOffset.UtcNow).ToString());
    }

    [Fact]
    public async Task A_vm_without_shutdown_integration_refuses_a_graceful_stop_but_turns_off()
    {
        _host.Update(h => h.Vms.Single(vm => vm.Id == _running.Id).GuestShutdownIntegration = false);

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.StopVmAsync(_running.Id, StopMode.ShutDown));
        Assert.Equal("Stop-VM -Force", error.Operation);
        Assert.Equal(VMState.Running, _host.FindVm(_running.Id)!.StateAt(DateTimeOffset.UtcNow));

        var off = await DashboardHost.StopVmAsync(_running.Id, StopMode.TurnOff);
        Assert.Equal(VmState.Off, off.State);
    }

    [Fact]
    public async Task Mac_spoofing_is_set_on_one_adapter_by_name()
    {
        var vm = await DashboardHost.SetMacAddressSpoofingAsync(_twoAdapters.Id, "Second Adapter", enabled: true);

        Assert.True(vm.NetworkAdapters.Single(a => a.Name == "Second Adapter").MacAddressSpoofing);
        Assert.False(vm.NetworkAdapters.Single(a => a.Name == "Network Adapter").MacAddressSpoofing);
        var state = _host.FindVm(_twoAdapters.Id)!;
        Assert.True(state.NetworkAdapters.Single(a => a.Name == "Second Adapter").MacAddressSpoofing);
        Assert.False(state.NetworkAdapters.Single(a => a.Name == "Network Adapter").MacAddressSpoofing);
    }

    [Fact]
    public async Task Mac_spoofing_is_set_on_every_adapter_and_back_off()
    {
        var on = await DashboardHost.SetMacAddressSpoofingAsync(_twoAdapters.Id, adapterName: null, enabled: true);
        Assert.Equal(2, on.NetworkAdapters.Count);
        Assert.All(on.NetworkAdapters, a => Assert.True(a.MacAddressSpoofing));
        Assert.All(_host.FindVm(_twoAdapters.Id)!.NetworkAdapters, a => Assert.True(a.MacAddressSpoofing));

        var off = await DashboardHost.SetMacAddressSpoofingAsync(_twoAdapters.Id, adapterName: null, enabled: false);
        Assert.All(off.NetworkAdapters, a => Assert.False(a.MacAddressSpoofing));
    }

    [Fact]
    public async Task An_adapter_name_is_matched_as_text_not_as_a_wildcard()
    {
        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.SetMacAddressSpoofingAsync(_twoAdapters.Id, "*", enabled: true));

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.All(_host.FindVm(_twoAdapters.Id)!.NetworkAdapters, a => Assert.False(a.MacAddressSpoofing));
    }

    [Fact]
    public async Task A_vm_whose_name_is_script_text_is_listed_and_switched_as_a_plain_name()
    {
        var inventory = await DashboardHost.GetInventoryAsync();
        Assert.Equal(MaliciousName, inventory.Vms.Single(vm => vm.Id == _malicious.Id).Name);

        var switched = await DashboardHost.SetNestedVirtualizationAsync(_malicious.Id, enabled: true);

        Assert.Equal(MaliciousName, switched.Name);
        Assert.True(_host.FindVm(_malicious.Id)!.ExposeVirtualizationExtensions);
        Assert.Equal(4, _host.Read(h => h.Vms.Count));
        Assert.False(_host.FindVm(_off.Id)!.ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task A_cancelled_call_ends_promptly_with_OperationCanceledException()
    {
        _host.Timing = new SimulationTiming { StopDuration = TimeSpan.FromMinutes(5) };
        using var cancellation = new CancellationTokenSource();
        var stop = DashboardHost.StopVmAsync(_running.Id, StopMode.ShutDown, cancellation.Token);
        await Eventually.HoldsAsync(() => _host.FindVm(_running.Id)!.StateAt(DateTimeOffset.UtcNow) == VMState.Stopping);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stop);
        var after = await DashboardHost.GetVmAsync(_off.Id); // the session still answers
        Assert.Equal(VmState.Off, after.State);
    }

    [Fact]
    public async Task A_call_longer_than_the_host_timeout_is_a_Timeout_and_the_next_call_works()
    {
        // Turning off has no limit of its own (a graceful shutdown has, see OperationLimitTests): the host's timeout bounds it.
        _host.Timing = new SimulationTiming { StopDuration = TimeSpan.FromMinutes(5) };
        await using var host = (PowerShellHyperVHost)HyperVHostFactory.Create(Settings(TimeSpan.FromSeconds(2)), _lab);
        await host.GetInventoryAsync();

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.StopVmAsync(_running.Id, StopMode.TurnOff));

        Assert.Equal(HostErrorKind.Timeout, error.Kind);
        Assert.Equal("Stop-VM -TurnOff", error.Operation);
        Assert.Equal("run01", error.VmName);
        var facts = await host.GetHostFactsAsync();
        Assert.Equal(HostName, facts.Name);
    }

    [Fact]
    public void An_in_process_host_needs_its_simulated_host_in_the_lab()
    {
        var settings = Settings(TimeSpan.FromSeconds(5)) with { Address = "no-such-host" };

        Assert.Throws<ArgumentException>(() => HyperVHostFactory.Create(settings, _lab));
        Assert.Throws<ArgumentException>(() => HyperVHostFactory.Create(Settings(TimeSpan.FromSeconds(5))));
    }
}
