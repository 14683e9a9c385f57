using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.PowerShell.Checks;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>check-host's steps that need the in-process simulator: a guest over PowerShell Direct, and a scratch VM whose step fails.</summary>
public sealed class HostCheckTests : IAsyncLifetime
{
    private const string HostName = "HV-CHECK";
    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private readonly HostConnectionSettings _settings = new() { Name = "Check lab", Address = HostName, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) };
    private PowerShellHyperVHost? _dashboardHost;

    public HostCheckTests()
    {
        _host = new SimulatedHost(HostName, new HostProfile { OsCaption = "Microsoft Windows Server 2022 Datacenter", OsVersion = "10.0.20348", OsBuild = 20348 })
        {
            Timing = SimulationTiming.Fast(),
        };
        _host.AddSwitch("LabSwitch", VMSwitchType.External);
        LabScenarios.AddWindowsGuestVm(_host, "l1-hv", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: true, running: true);
        _lab.Add(_host);
    }

    private PowerShellHyperVHost DashboardHost => _dashboardHost ?? throw new InvalidOperationException("Not initialised.");

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(_settings with { MaxConcurrency = 2 }, _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await DashboardHost.DisposeAsync();

    private static HostCheckOptions Options => new() { WatchInterval = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task The_guest_step_reads_the_guests_networking_over_PowerShell_Direct()
    {
        var credential = new GuestCredential(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword);

        var report = await HostCheck.RunAsync(DashboardHost, _settings, Options with { GuestVmName = "L1-HV", GuestCredential = credential });

        Assert.True(report.Passed, report.ToTable());
        var guest = Assert.Single(report.Steps, s => s.Step.StartsWith("guest networking", StringComparison.Ordinal));
        Assert.Equal("guest networking in 'L1-HV' (PowerShell Direct)", guest.Step);
        Assert.Contains("Microsoft Windows Server 2022 Datacenter 10.0.20348, Hyper-V Installed", guest.Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_guest_password_fails_the_guest_step_with_the_hosts_words()
    {
        var report = await HostCheck.RunAsync(DashboardHost, _settings, Options with { GuestVmName = "l1-hv", GuestCredential = new GuestCredential("Administrator", "wrong") });

        Assert.False(report.Passed);
        Assert.Equal(1, report.ExitCode);
        var guest = report.Steps[^1];
        Assert.Equal(HostCheckStatus.Failed, guest.Status);
        Assert.Equal("GuestAuthenticationFailed: Invoke-Command -VMId (Get-VMSwitch; Get-NetNat; Get-NetIPAddress; Hyper-V feature state)", guest.Result);
        Assert.Contains("The guest refused the user name or password", guest.HostMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_scratch_vm_step_skips_the_rest_and_the_vm_is_removed_anyway()
    {
        // Set-VMMemory fails once the VM exists (New-VM's own script uses it too).
        void FailAfterCreate(HostCheckStep step)
        {
            if (step.Step.StartsWith("scratch VM: create", StringComparison.Ordinal))
            {
                _host.FailingCommands["Set-VMMemory"] = "Simulated failure of Set-VMMemory";
            }
        }

        var report = await HostCheck.RunAsync(DashboardHost, _settings, Options with { ScratchVm = true, ScratchVmName = "scratch-check", StepEnded = FailAfterCreate });

        Assert.Equal(
            [
                ("scratch VM: create 'scratch-check'", HostCheckStatus.Passed),
                ("scratch VM: enable nested", HostCheckStatus.Passed),
                ("scratch VM: MAC spoofing on", HostCheckStatus.Passed),
                ("scratch VM: dynamic memory off", HostCheckStatus.Failed),
                ("scratch VM: disable nested", HostCheckStatus.Skipped),
                ("scratch VM: remove 'scratch-check'", HostCheckStatus.Passed),
            ],
            report.Steps.Where(s => s.Step.StartsWith("scratch", StringComparison.Ordinal)).Select(s => (s.Step, s.Status)));
        Assert.Contains("Simulated failure of Set-VMMemory", report.Steps.Single(s => s.Status is HostCheckStatus.Failed).HostMessage, StringComparison.Ordinal);
        Assert.Null(_host.FindVm("scratch-check"));
        Assert.Equal(1, report.ExitCode);
    }
}
