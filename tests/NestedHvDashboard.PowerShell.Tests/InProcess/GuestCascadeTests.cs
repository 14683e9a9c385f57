using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>
/// The cascade's guest script (Get-VM / Stop-VM / Start-VM inside the L1 over PowerShell Direct) and the whole cascade against
/// the in-process simulator, whose L2 VMs lose their power with their L1 and cannot start without its nested virtualization.
/// </summary>
public sealed class GuestCascadeTests : IAsyncLifetime
{
    private const string HostName = "HV-CASCADE";
    private const long Gb = 1024L * 1024 * 1024;
    private static readonly GuestCredential Lab = new(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword);

    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private PowerShellHyperVHost? _dashboardHost;

    public GuestCascadeTests()
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
        LabScenarios.AddWindowsGuestVm(_host, "l1-hv", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: true);
        LabScenarios.AddWindowsGuestVm(_host, "l1-plain", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: false);
        _lab.Add(_host);
    }

    private PowerShellHyperVHost DashboardHost => _dashboardHost ?? throw new InvalidOperationException("Not initialised.");

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = HostName, Address = HostName, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) },
            _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await DashboardHost.DisposeAsync();

    private Guid Id(string vmName) => _host.FindVm(vmName)!.Id;

    private Guid L2Id => _host.FindVm("l1-hv")!.Guest!.Host.FindVm("l2-app-01")!.Id;

    [Fact]
    public async Task Reading_the_guest_says_whether_Hyper_V_runs_and_lists_its_vms_with_their_states()
    {
        var hv = await DashboardHost.GetGuestVmsAsync(Id("l1-hv"), Lab);
        var plain = await DashboardHost.GetGuestVmsAsync(Id("l1-plain"), Lab);

        Assert.True(hv.HyperVRuns);
        Assert.Equal([new GuestVm(L2Id, "l2-app-01", VmState.Off)], hv.Vms);
        Assert.False(plain.HyperVRuns);
        Assert.Empty(plain.Vms);
    }

    [Fact]
    public async Task An_L2_vm_starts_and_shuts_down_inside_the_guest()
    {
        var started = await DashboardHost.StartGuestVmAsync(Id("l1-hv"), Lab, L2Id);
        Assert.Equal(VmState.Running, started.State);
        Assert.Equal([started], (await DashboardHost.GetGuestVmsAsync(Id("l1-hv"), Lab)).Running);

        var stopped = await DashboardHost.StopGuestVmAsync(Id("l1-hv"), Lab, L2Id);
        Assert.Equal(VmState.Off, stopped.State);
    }

    [Fact]
    public async Task A_wrong_guest_password_is_the_guest_refusing_it()
    {
        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.GetGuestVmsAsync(Id("l1-hv"), Lab with { Password = "wrong" }));
        Assert.Equal(HostErrorKind.GuestAuthenticationFailed, error.Kind);
    }

    [Fact]
    public async Task An_L2_vm_loses_its_power_when_its_L1_shuts_down()
    {
        await DashboardHost.StartGuestVmAsync(Id("l1-hv"), Lab, L2Id);

        await DashboardHost.StopVmAsync(Id("l1-hv"), StopMode.ShutDown);
        await DashboardHost.StartVmAsync(Id("l1-hv"));

        Assert.Equal(VmState.Off, (await DashboardHost.GetGuestVmsAsync(Id("l1-hv"), Lab)).Vms.Single().State);
    }

    [Fact]
    public async Task The_disable_cascade_shuts_the_L2_vm_down_changes_the_L1_and_the_L2_vm_cannot_start_again()
    {
        await DashboardHost.StartGuestVmAsync(Id("l1-hv"), Lab, L2Id);
        var cascade = new NestedCascadeOperations(new NestedVirtualizationOperations());

        var result = await cascade.RunAsync(DashboardHost, DashboardHost, Lab, new NestedVirtualizationRequest(HostName, Id("l1-hv"), false, PowerAction.ShutDown));

        Assert.Equal(OperationOutcome.Succeeded, result.Result.Outcome);
        Assert.Equal(
            ["Shut down L2 VM 'l2-app-01' (Stop-VM inside 'l1-hv')", "Shut down L1 'l1-hv'", "Set ExposeVirtualizationExtensions $false on L1 'l1-hv'", "Start L1 'l1-hv'"],
            result.Result.Steps.Select(s => s.Title));
        Assert.All(result.Result.Steps, s => Assert.Equal(OperationStepStatus.Done, s.Status));
        Assert.False(_host.FindVm("l1-hv")!.ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Off, result.NestedVms.Single().State);

        // As on Hyper-V: the guest's hypervisor does not run without nested virtualization, so its VMs cannot start.
        var refused = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.StartGuestVmAsync(Id("l1-hv"), Lab, L2Id));
        Assert.Contains("could not be started because the hypervisor is not running", refused.HostMessage, StringComparison.Ordinal);
    }
}
