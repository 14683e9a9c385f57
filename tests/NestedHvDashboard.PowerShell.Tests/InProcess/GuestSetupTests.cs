using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>Guest set-up over PowerShell Direct (NAT networking, Hyper-V install) and new VMs, against the in-process simulator.</summary>
public sealed partial class GuestSetupTests : IAsyncLifetime
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
