using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>Guest set-up over PowerShell Direct (NAT networking, Hyper-V install) and new VMs, against the in-process simulator.</summary>
public sealed class GuestSetupTests : IAsyncLifetime
{
    private const string HostName = "HV-NET";
    private const long Gb = 1024L * 1024 * 1024;
    private const string Malicious = "x'; Remove-VM * -Force; '";

    private static readonly GuestCredential Lab = new(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword);

    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private PowerShellHyperVHost? _dashboardHost;

    public GuestSetupTests()
    {
        _host = new SimulatedHost(HostName, new HostProfile
        {
            OsCaption = "Microsoft Windows Server 2022 Datacenter",
            OsVersion = "10.0.20348",
            OsBuild = 20348,
            ProductType = 3,
            ProcessorManufacturer = "GenuineIntel",
            ProcessorName = "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
            LogicalProcessors = 16,
            MemoryBytes = 128 * Gb,
        })
        { Timing = SimulationTiming.Fast() };
        _host.AddSwitch("LabSwitch", VMSwitchType.Internal);
        AddGuest("l1-hv", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: true);
        AddGuest("l1-plain", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: false);
        AddGuest("l1-nonested", "Windows Server 2022 Datacenter", "10.0.20348", nested: false, hyperV: false);
        AddGuest("w11", "Windows 11 Enterprise", "10.0.22631", nested: true, hyperV: false);
        AddGuest("off-guest", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: true, running: false);
        _host.AddVm("linux", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-1);
            vm.GuestOsName = "Ubuntu 24.04 LTS";
        });
        _lab.Add(_host);
    }

    private PowerShellHyperVHost DashboardHost => _dashboardHost ?? throw new InvalidOperationException("Not initialised.");

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = "Net lab", Address = HostName, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) },
            _lab);
        _dashboardHost.GuestPollInterval = TimeSpan.FromMilliseconds(50);
        _dashboardHost.GuestRestartTimeout = TimeSpan.FromSeconds(30);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await DashboardHost.DisposeAsync();

    private Guid Id(string vmName) => _host.FindVm(vmName)!.Id;

    private SimulatedHost GuestHost(string vmName) => _host.FindVm(vmName)!.Guest!.Host;

    private static NatNetworkRequest Reference => new("192.168.0.0/24", "192.168.0.1", SwitchName: "VmNAT", NatName: "LocalNAT");

    [Fact]
    public async Task Guest_state_reads_the_os_hyper_v_switches_nat_and_addresses()
    {
        GuestHost("l1-hv").AddSwitch("Existing", VMSwitchType.Private);

        var server = await DashboardHost.GetGuestNetworkStateAsync(Id("l1-hv"), Lab);
        var client = await DashboardHost.GetGuestNetworkStateAsync(Id("w11"), Lab);

        Assert.Equal(new GuestOs("Microsoft Windows Server 2022 Datacenter", "10.0.20348", IsServer: true, GuestHyperVState.Installed), server.Os);
        Assert.Equal(["Existing"], server.SwitchNames);
        Assert.Empty(server.InternalSwitchNames);
        Assert.Empty(server.Nats);
        var ethernet = Assert.Single(server.Addresses);
        Assert.Equal("Ethernet", ethernet.InterfaceAlias);
        Assert.Equal(24, ethernet.PrefixLength);
        Assert.StartsWith("10.0.1.", ethernet.IPAddress, StringComparison.Ordinal);

        Assert.False(client.Os!.IsServer);
        Assert.Equal(GuestHyperVState.NotInstalled, client.Os.HyperV);
        Assert.Empty(client.SwitchNames);
    }

    [Fact]
    public async Task The_reference_nat_network_is_created_inside_the_guest()
    {
        var state = await DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, Reference);

        Assert.Contains("VmNAT", state.InternalSwitchNames);
        Assert.Equal(new GuestNat("LocalNAT", "192.168.0.0/24"), Assert.Single(state.Nats));
        Assert.Contains(new GuestIPAddress("192.168.0.1", 24, "vEthernet (VmNAT)"), state.Addresses);

        // Seen by a separate PowerShell Direct session, not through the engine.
        var seen = InGuest("l1-hv", """
            (Get-VMSwitch -Name VmNAT).SwitchType.ToString()
            (Get-NetNat -Name LocalNAT).InternalIPInterfaceAddressPrefix
            (Get-NetIPAddress -InterfaceAlias 'vEthernet (VmNAT)' -AddressFamily IPv4).IPAddress
            """);
        Assert.Equal(["Internal", "192.168.0.0/24", "192.168.0.1"], seen);
    }

    [Fact]
    public async Task A_refused_request_names_the_problems_and_leaves_the_guest_untouched()
    {
        var before = Network(GuestHost("l1-hv"));

        var error = await Assert.ThrowsAsync<NatNetworkRefusedException>(() =>
            DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, new NatNetworkRequest("10.0.1.0/24", "10.0.2.1")));

        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.Prefix);
        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.Gateway);
        Assert.Contains("l1-hv", error.Message, StringComparison.Ordinal);
        Assert.Contains("Net lab", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Network(GuestHost("l1-hv")));
    }

    [Theory]
    [InlineData("New-NetIPAddress", 1)]
    [InlineData("New-NetNat", 2)]
    public async Task A_failing_later_command_undoes_the_earlier_ones(string failing, int index)
    {
        var guest = GuestHost("l1-hv");
        var before = Network(guest);
        guest.FailingCommands[failing] = "Simulated failure of " + failing;

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, Reference));

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.StartsWith(failing, error.Operation, StringComparison.Ordinal);
        Assert.Equal("l1-hv", error.VmName);
        Assert.Contains("Simulated failure of " + failing, error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Undone: Remove-VMSwitch -Name VmNAT -Force", error.HostMessage, StringComparison.Ordinal);
        Assert.Equal(failing, NatNetworkPlan.Create(Reference, GuestNetworkState.Empty).Plan!.Commands[index].Name);
        Assert.Equal(before, Network(guest));
    }

    [Fact]
    public async Task A_name_with_powershell_syntax_is_refused_by_validation_and_runs_nothing()
    {
        var before = Network(GuestHost("l1-hv"));

        var error = await Assert.ThrowsAsync<NatNetworkRefusedException>(() =>
            DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, Reference with { SwitchName = Malicious }));

        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.SwitchName);
        Assert.Equal(before, Network(GuestHost("l1-hv")));
        Assert.Equal(6, _host.Read(h => h.Vms.Count));
    }

    [Fact]
    public async Task Names_that_pass_validation_are_data_never_code()
    {
        const string switchName = "x'; Remove-VM -Name l2-app-01 -Force; '";
        const string natName = "n\"; Remove-VMSwitch -Name Existing -Force; $(Stop-VM l2-app-01)";
        GuestHost("l1-hv").AddSwitch("Existing", VMSwitchType.Private);

        var state = await DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, Reference with { SwitchName = switchName, NatName = natName });

        Assert.Contains(switchName, state.InternalSwitchNames);
        Assert.Contains("Existing", state.SwitchNames);
        Assert.Equal(natName, Assert.Single(state.Nats).Name);
        Assert.Contains(state.Addresses, a => a.InterfaceAlias == $"vEthernet ({switchName})");
        Assert.Equal(["l2-app-01"], InGuest("l1-hv", "Get-VM | ForEach-Object Name"));
        Assert.Equal(6, _host.Read(h => h.Vms.Count));

        // Removing passes the same names as data too.
        var after = await DashboardHost.RemoveNatNetworkAsync(Id("l1-hv"), Lab, natName, switchName);
        Assert.Empty(after.Nats);
        Assert.Equal(["Existing"], after.SwitchNames);
        Assert.DoesNotContain(after.Addresses, a => a.InterfaceAlias.StartsWith("vEthernet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Removing_something_the_guest_does_not_have_is_refused()
    {
        var error = await Assert.ThrowsAsync<NatNetworkRefusedException>(() => DashboardHost.RemoveNatNetworkAsync(Id("l1-hv"), Lab, "LocalNAT", "VmNAT"));

        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.NatName);
        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.SwitchName);
    }

    [Fact]
    public async Task A_wrong_password_is_GuestAuthenticationFailed_and_never_echoed()
    {
        const string wrong = "Wrong-Secret-42";

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.GetGuestNetworkStateAsync(Id("l1-hv"), new GuestCredential("Administrator", wrong)));

        Assert.Equal(HostErrorKind.GuestAuthenticationFailed, error.Kind);
        Assert.Equal("l1-hv", error.VmName);
        Assert.Contains("Net lab", error.Message, StringComparison.Ordinal);
        Assert.Contains("The credential is invalid.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);

        // The host connection itself is fine: the next call works on it.
        Assert.Equal(GuestHyperVState.Installed, (await DashboardHost.GetGuestNetworkStateAsync(Id("l1-hv"), Lab)).Os!.HyperV);
    }

    [Fact]
    public async Task A_vm_that_is_off_is_InvalidVmState()
    {
        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateNatNetworkAsync(Id("off-guest"), Lab, Reference));

        Assert.Equal(HostErrorKind.InvalidVmState, error.Kind);
        Assert.Equal("off-guest", error.VmName);
        Assert.Contains("not in running state", error.HostMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_without_windows_is_HostRefused_and_says_why()
    {
        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.GetGuestNetworkStateAsync(Id("linux"), Lab));

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.Contains("PowerShell Direct", error.HostMessage, StringComparison.Ordinal);
        Assert.Equal("linux", error.VmName);
    }

    [Fact]
    public async Task A_nat_network_needs_hyper_v_in_the_guest()
    {
        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateNatNetworkAsync(Id("l1-plain"), Lab, Reference));

        Assert.Contains("install Hyper-V in the guest first", error.HostMessage, StringComparison.Ordinal);
        Assert.Empty(GuestHost("l1-plain").Read(h => h.Switches.ToList()));
    }

    [Theory]
    [InlineData("l1-plain")]
    [InlineData("w11")]
    public async Task Hyper_v_is_installed_through_a_restart_with_progress(string vmName)
    {
        var started = DateTimeOffset.UtcNow;
        var progress = new Steps();

        var state = await DashboardHost.InstallHyperVAsync(Id(vmName), Lab, progress);

        // A client (w11) is restarted from the host, its shut down and its start each reported before the host is asked.
        string[] restart = vmName == "w11" ? [HyperVInstallProgress.ShuttingDown, HyperVInstallProgress.StartingAgain] : [];
        Assert.Equal(
            [HyperVInstallProgress.Installing, HyperVInstallProgress.Restarting, .. restart, HyperVInstallProgress.WaitingForGuest, HyperVInstallProgress.Installed],
            progress.Reported);
        Assert.Equal(GuestHyperVState.Installed, state.Os!.HyperV);
        var vm = _host.FindVm(vmName)!;
        Assert.True(vm.RunningSince > started, "the VM restarted");
        Assert.True(vm.GuestIsHyperVHost);
        Assert.Equal(VMState.Running, vm.StateAt(DateTimeOffset.UtcNow));
        Assert.Empty(InGuest(vmName, "Get-VM"));
    }

    [Theory]
    [InlineData("Stop-VM", "it is still Running", VMState.Running)]
    [InlineData("Start-VM", "it is Off. Start the VM to finish", VMState.Off)]
    public async Task A_client_restart_that_fails_names_its_step_and_what_the_vm_was_left_in(string failing, string left, VMState state)
    {
        _host.FailingCommands[failing] = "Simulated failure of " + failing;
        var progress = new Steps();

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.InstallHyperVAsync(Id("w11"), Lab, progress));

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.Equal("w11", error.VmName);
        Assert.Equal($"Restart the VM to finish installing Hyper-V ({failing})", error.Operation);
        Assert.Contains("Simulated failure of " + failing, error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Hyper-V is installed in the guest and waits for this restart.", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains(left, error.HostMessage, StringComparison.Ordinal);
        string[] reached = failing == "Start-VM" ? [HyperVInstallProgress.ShuttingDown, HyperVInstallProgress.StartingAgain] : [HyperVInstallProgress.ShuttingDown];
        Assert.Equal([HyperVInstallProgress.Installing, HyperVInstallProgress.Restarting, .. reached], progress.Reported);
        Assert.Equal(state, _host.FindVm("w11")!.StateAt(DateTimeOffset.UtcNow));
        Assert.Contains("Microsoft-Hyper-V", GuestHost("w11").Read(h => h.PendingFeatures.ToList()));
        Assert.False(GuestHost("w11").Read(h => h.HyperVInstalled));
    }

    [Fact]
    public async Task Installing_where_hyper_v_already_runs_changes_nothing()
    {
        var before = _host.FindVm("l1-hv")!.RunningSince;
        var progress = new Steps();

        var state = await DashboardHost.InstallHyperVAsync(Id("l1-hv"), Lab, progress);

        Assert.Equal([HyperVInstallProgress.Installed], progress.Reported);
        Assert.Equal(GuestHyperVState.Installed, state.Os!.HyperV);
        Assert.Equal(before, _host.FindVm("l1-hv")!.RunningSince);
    }

    [Fact]
    public async Task Install_is_refused_with_nested_off_and_names_the_fix()
    {
        var progress = new Steps();

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.InstallHyperVAsync(Id("l1-nonested"), Lab, progress));

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.Equal("l1-nonested", error.VmName);
        Assert.Contains("Turn nested virtualization on first", error.HostMessage, StringComparison.Ordinal);
        Assert.Empty(progress.Reported);
        Assert.Empty(GuestHost("l1-nonested").Read(h => h.PendingFeatures.ToList()));
        Assert.False(GuestHost("l1-nonested").Read(h => h.HyperVInstalled));
    }

    [Fact]
    public async Task A_new_vm_is_ready_for_nesting()
    {
        var facts = await DashboardHost.GetHostFactsAsync();

        var vm = await DashboardHost.CreateVmAsync(new NewVmRequest("lab-l1", 8 * Gb, 4, "LabSwitch"));

        Assert.Equal("lab-l1", vm.Name);
        Assert.Equal(2, vm.Generation);
        Assert.Equal(facts.SupportedConfigVersions.Max(), vm.ConfigVersion);
        Assert.Equal(8 * Gb, vm.MemoryStartupBytes);
        Assert.False(vm.DynamicMemoryEnabled);
        Assert.Equal(4, vm.ProcessorCount);
        Assert.True(vm.ExposeVirtualizationExtensions);
        var adapter = Assert.Single(vm.NetworkAdapters);
        Assert.Equal("LabSwitch", adapter.SwitchName);
        Assert.True(adapter.MacAddressSpoofing);
        Assert.Equal(VMState.Off, _host.FindVm(vm.Id)!.State);
    }

    [Fact]
    public async Task A_new_vms_steps_are_reported_in_order_each_as_the_host_begins_it()
    {
        // Each report is taken on the script's own thread as its Step row is written, before the step's cmdlet: what the host has
        // then shows the script is between the steps before it and its own.
        var seen = new List<string>();
        var progress = new StepReports(step =>
        {
            var vm = _host.FindVm("lab-l1");
            seen.Add($"{step.Index} {step.Status}: " + (vm is null ? "no VM" : $"{vm.ProcessorCount} cpu, nested {vm.ExposeVirtualizationExtensions}, spoofing {vm.NetworkAdapters.TrueForAll(a => a.MacAddressSpoofing)}"));
        });

        var created = await DashboardHost.CreateVmAsync(new NewVmRequest("lab-l1", 8 * Gb, 4, "LabSwitch"), progress);

        Assert.Equal(
            [
                "0 Pending: no VM", "1 Pending: no VM", "2 Pending: no VM", "3 Pending: no VM",
                "0 Running: no VM",
                "0 Done: 1 cpu, nested False, spoofing False", "1 Running: 1 cpu, nested False, spoofing False",
                "1 Done: 1 cpu, nested False, spoofing False", "2 Running: 1 cpu, nested False, spoofing False",
                "2 Done: 4 cpu, nested True, spoofing False", "3 Running: 4 cpu, nested True, spoofing False",
                "3 Done: 4 cpu, nested True, spoofing True",
            ],
            seen);
        Assert.Equal(
            [
                (OperationStepKind.CreateVm, "New-VM -Generation 2"),
                (OperationStepKind.SetDynamicMemory, "Set-VMMemory -DynamicMemoryEnabled $false"),
                (OperationStepKind.SetNestedVirtualization, "Set-VMProcessor -Count -ExposeVirtualizationExtensions $true"),
                (OperationStepKind.SetMacAddressSpoofing, "Set-VMNetworkAdapter -MacAddressSpoofing On"),
            ],
            progress.Latest.Select(s => (s.Kind, s.Title)));
        Assert.All(progress.Latest, s => Assert.Equal((DashboardHost.Name, "lab-l1"), (s.HostName, s.VmName)));
        Assert.Equal("lab-l1", created.Name);
        Assert.True(created.ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task A_new_vms_failing_step_is_reported_failed_with_the_hosts_words_and_the_steps_after_it_skipped()
    {
        _host.FailingCommands["Set-VMProcessor"] = "Simulated failure of Set-VMProcessor";
        var progress = new StepReports(_ => { });

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateVmAsync(new NewVmRequest("lab-l1", 8 * Gb, 4, "LabSwitch"), progress));

        Assert.Equal(
            [OperationStepStatus.Done, OperationStepStatus.Done, OperationStepStatus.Failed, OperationStepStatus.Skipped],
            progress.Latest.Select(s => s.Status));
        Assert.Equal(error.HostMessage, progress.Latest[2].HostMessage);
        Assert.StartsWith("Set-VMProcessor -Count -ExposeVirtualizationExtensions $true failed: Simulated failure of Set-VMProcessor", error.HostMessage, StringComparison.Ordinal);
        Assert.Null(_host.FindVm("lab-l1"));
    }

    [Theory]
    [InlineData("", 8, 4, "LabSwitch", NewVmField.Name)]
    [InlineData("lab-l1", 2, 4, "LabSwitch", NewVmField.MemoryStartupBytes)]
    [InlineData("lab-l1", 8, 1, "LabSwitch", NewVmField.ProcessorCount)]
    [InlineData("lab-l1", 8, 17, "LabSwitch", NewVmField.ProcessorCount)]
    [InlineData("lab-l1", 8, 4, "NoSuchSwitch", NewVmField.SwitchName)]
    public async Task A_bad_new_vm_request_is_refused_naming_the_field(string name, long memoryGb, int processors, string switchName, string field)
    {
        var error = await Assert.ThrowsAsync<NewVmRefusedException>(() => DashboardHost.CreateVmAsync(new NewVmRequest(name, memoryGb * Gb, processors, switchName)));

        Assert.Equal(field, Assert.Single(error.Problems).Field);
        Assert.Equal(6, _host.Read(h => h.Vms.Count));
    }

    [Theory]
    [InlineData("Set-VMProcessor")]
    [InlineData("Set-VMNetworkAdapter")]
    public async Task A_failing_step_removes_the_half_created_vm(string failing)
    {
        _host.FailingCommands[failing] = "Simulated failure of " + failing;

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateVmAsync(new NewVmRequest("lab-l1", 8 * Gb, 4, "LabSwitch")));

        Assert.Equal("lab-l1", error.VmName);
        Assert.Contains(failing, error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Simulated failure of " + failing, error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("The half-created VM was removed", error.HostMessage, StringComparison.Ordinal);
        Assert.Null(_host.FindVm("lab-l1"));
        Assert.Equal(6, _host.Read(h => h.Vms.Count));
    }

    [Fact]
    public async Task A_vm_name_with_powershell_syntax_is_only_a_name()
    {
        var vm = await DashboardHost.CreateVmAsync(new NewVmRequest(Malicious, 4 * Gb, 2, "LabSwitch"));

        Assert.Equal(Malicious, vm.Name);
        Assert.Equal(7, _host.Read(h => h.Vms.Count));
        Assert.NotNull(_host.FindVm("l1-hv"));
    }

    /// <summary>The guest's switches, adapters, addresses and NAT as text, to compare before and after.</summary>
    private static string Network(SimulatedHost guest) => guest.Read(h => string.Join(
        " | ",
        string.Join(",", h.Switches.Select(s => s.Name)),
        string.Join(",", h.NetAdapters.Select(a => a.Name)),
        string.Join(",", h.IPAddresses.Select(a => $"{a.IPAddress}/{a.PrefixLength}@{a.InterfaceIndex}")),
        h.NetNat?.Name ?? "no NAT"));

    /// <summary>Runs <paramref name="script"/> in the guest with Invoke-Command -VMName in a runspace of its own, as a person at the host would.</summary>
    private List<string> InGuest(string vmName, string script)
    {
        using var runspace = RunspaceFactory.CreateRunspace(SimulatorModule.CreateSessionState(_host));
        runspace.Open();
        using var shell = System.Management.Automation.PowerShell.Create(runspace);
        shell.AddScript("param($cred, $vm, $script) Invoke-Command -VMName $vm -Credential $cred -ScriptBlock ([scriptblock]::Create($script)) -ErrorAction Stop")
            .AddParameters(new Hashtable
            {
                ["cred"] = new PSCredential(Lab.UserName, new System.Net.NetworkCredential("", Lab.Password).SecurePassword),
                ["vm"] = vmName,
                ["script"] = script,
            });
        var output = shell.Invoke();
        Assert.Empty(shell.Streams.Error);
        return [.. output.Select(o => o.BaseObject.ToString() ?? "")];
    }

    private void AddGuest(string name, string os, string version, bool nested, bool hyperV, bool running = true) =>
        LabScenarios.AddWindowsGuestVm(_host, name, os, version, nested, hyperV, running);

    /// <summary>Each step's latest report, by index, and every report handed to <paramref name="onReport"/> as it comes (synchronously).</summary>
    private sealed class StepReports(Action<OperationStep> onReport) : IProgress<OperationStep>
    {
        private readonly SortedDictionary<int, OperationStep> _latest = [];

        public IReadOnlyList<OperationStep> Latest
        {
            get
            {
                lock (_latest)
                {
                    return [.. _latest.Values];
                }
            }
        }

        public void Report(OperationStep value)
        {
            lock (_latest)
            {
                _latest[value.Index] = value;
                onReport(value);
            }
        }
    }

    /// <summary>Records progress as it is reported (synchronously, unlike Progress&lt;T&gt;).</summary>
    private sealed class Steps : IProgress<string>
    {
        private readonly List<string> _reported = [];

        public IReadOnlyList<string> Reported
        {
            get
            {
                lock (_reported)
                {
                    return [.. _reported];
                }
            }
        }

        public void Report(string value)
        {
            lock (_reported)
            {
                _reported.Add(value);
            }
        }
    }
}
