using Bunit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Notifications;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.NestedSwitching;

/// <summary>
/// The cascade as the VM page runs it (<see cref="NestedCascadeService"/>): against the in-process simulator, one audit entry
/// naming the cascade with every step, the role checked before any credential is asked, nothing run without one.
/// </summary>
public sealed class NestedCascadeServiceTests : IAsyncLifetime
{
    private const string HostName = "HV-CASCADE";
    private static readonly GuestCredentialAnswer Lab = new(new GuestCredential(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword), false);

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-cascade-").FullName;
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _simulated;
    private readonly ServiceCollection _services = new();
    private PowerShellHyperVHost _host = null!;
    private ServiceProvider _provider = null!;

    public NestedCascadeServiceTests()
    {
        _simulated = new SimulatedHost(HostName, new HostProfile
        {
            OsCaption = "Microsoft Windows Server 2022 Datacenter",
            OsVersion = "10.0.20348",
            OsBuild = 20348,
            ProductType = 3,
            ProcessorManufacturer = "GenuineIntel",
            ProcessorName = "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
            LogicalProcessors = 16,
            MemoryBytes = 128L << 30,
        })
        { Timing = SimulationTiming.Fast() };
        LabScenarios.AddWindowsGuestVm(_simulated, "l1-hv", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: true);
        _lab.Add(_simulated);
    }

    public async Task InitializeAsync()
    {
        _host = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = HostName, Address = HostName, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) }, _lab);
        _services.AddSingleton<IHostLookup>(new OneHost(_host));
        _services.AddSingleton(new DataFolder(_folder));
        _services.AddDashboardDatabase(TestStores.SqliteIn(_folder));
        TestStores.Migrated(TestStores.SqliteIn(_folder));
        _services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        _services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        _services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        _services.AddSingleton(TimeProvider.System);
        _services.AddNestedNetworking();
        _services.AddNestedVirtualizationOperations();
        _db.AddTo(_services);
        _provider = _services.BuildServiceProvider();

        // The L2 VM runs inside the L1's guest.
        await _host.StartGuestVmAsync(L1Id, Lab.Credential, L2Id);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _host.DisposeAsync();
        _db.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private NestedCascadeService Service => _provider.GetRequiredService<NestedCascadeService>();

    private Guid L1Id => _simulated.FindVm("l1-hv")!.Id;

    private Guid L2Id => _simulated.FindVm("l1-hv")!.Guest!.Host.FindVm("l2-app-01")!.Id;

    private Task<VmSnapshot> L1Async() => _host.GetVmAsync(L1Id);

    private Task<GuestVmsReading> GuestAsync() => _host.GetGuestVmsAsync(L1Id, Lab.Credential);

    [Fact]
    public async Task Reading_the_guest_lists_its_running_L2_vm_and_keeps_it_for_the_nesting_tree()
    {
        var reading = await Service.ReadAsync(TestDatabase.Operator, HostName, await L1Async(), null, _ => Task.FromResult<GuestCredentialAnswer?>(Lab));

        Assert.True(reading is { Read: true, HyperVRuns: true });
        Assert.Equal(["l2-app-01"], reading.Running.Select(v => v.Name));
        Assert.Equal(NestedGuestReader.PowerShellDirect, reading.Source);
        Assert.Equal(reading.Vms, Service.LastReading(HostName, L1Id)?.Vms);
        Assert.Empty(_db.Entries()); // a read changes nothing
    }

    [Fact]
    public async Task The_cascade_is_one_audit_entry_naming_it_with_every_level_and_step()
    {
        var vm = await L1Async();
        var log = new StepLog();

        var result = await Service.RunAsync(TestDatabase.Operator, vm, new NestedVirtualizationRequest(HostName, vm.Id, false), null, _ => Task.FromResult<GuestCredentialAnswer?>(Lab), log);

        Assert.Equal(OperationOutcome.Succeeded, result.Result.Outcome);
        Assert.Equal(4, log.Steps.Count);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Disable nested (cascade with L2 VMs)", "Succeeded", "olivia"), (entry.Action, entry.Result, entry.Actor));
        Assert.True(ActionNotifications.IsLongByNature(entry.Action));
        Assert.Contains("L2: l2-app-01 Off", entry.After, StringComparison.Ordinal);
        Assert.Contains("1. Shut down L2 VM 'l2-app-01' (Stop-VM inside 'l1-hv') — Done", entry.After, StringComparison.Ordinal);
        Assert.Contains("4. Start L1 'l1-hv' — Done", entry.After, StringComparison.Ordinal);
        Assert.Contains("is left off", entry.Message, StringComparison.Ordinal);
        Assert.False((await L1Async()).ExposeVirtualizationExtensions);
        Assert.Equal(VmState.Off, Service.LastReading(HostName, L1Id)?.Vms.Single().State);
    }

    [Fact]
    public async Task The_restart_cascade_is_audited_as_one_entry_and_leaves_the_L2_vm_running_again()
    {
        var result = await Service.RestartAsync(TestDatabase.Operator, HostName, await L1Async(), null, _ => Task.FromResult<GuestCredentialAnswer?>(Lab), null);

        Assert.Equal(OperationOutcome.Succeeded, result.Result.Outcome);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal((NestedCascadeService.RestartActionName, "Succeeded"), (entry.Action, entry.Result));
        Assert.Contains("4. Start L2 VM 'l2-app-01' again (Start-VM inside 'l1-hv') — Done", entry.After, StringComparison.Ordinal);
        Assert.Equal(["l2-app-01"], (await GuestAsync()).Running.Select(v => v.Name));
        Assert.True((await L1Async()).ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task A_viewer_is_denied_before_any_credential_is_asked_and_nothing_changes()
    {
        var asked = false;
        var vm = await L1Async();

        var result = await Service.RunAsync(TestDatabase.Viewer, vm, new NestedVirtualizationRequest(HostName, vm.Id, false), null, _ =>
        {
            asked = true;
            return Task.FromResult<GuestCredentialAnswer?>(Lab);
        }, null);

        Assert.Equal(OperationOutcome.Denied, result.Result.Outcome);
        Assert.False(asked);
        Assert.Equal("Denied", Assert.Single(_db.Entries()).Result);
        Assert.Equal(["l2-app-01"], (await GuestAsync()).Running.Select(v => v.Name));
    }

    [Fact]
    public async Task Without_guest_credentials_the_cascade_is_refused_and_recorded_and_nothing_runs()
    {
        var vm = await L1Async();

        var result = await Service.RunAsync(TestDatabase.Operator, vm, new NestedVirtualizationRequest(HostName, vm.Id, false), null, _ => Task.FromResult<GuestCredentialAnswer?>(null), null);

        Assert.Equal(OperationOutcome.Refused, result.Result.Outcome);
        Assert.Contains("no guest credentials were given", result.Result.Message, StringComparison.Ordinal);
        Assert.Equal("Refused", Assert.Single(_db.Entries()).Result);
        Assert.True((await L1Async()).ExposeVirtualizationExtensions);
        Assert.Equal(["l2-app-01"], (await GuestAsync()).Running.Select(v => v.Name));
    }

    [Fact]
    public void A_dashboard_killed_mid_cascade_leaves_an_entry_naming_the_L2_vms_left_off()
    {
        OperationStep Step(int index, OperationStepKind kind, string title, OperationStepStatus status) => new(HostName, L1Id, "l1-hv", index, kind, title, status);

        var note = AuditProgress.Describe(
        [
            Step(0, OperationStepKind.StopNestedVm, "Shut down L2 VM 'l2-app-01' (Stop-VM inside 'l1-hv')", OperationStepStatus.Done),
            Step(1, OperationStepKind.ShutDown, "Shut down L1 'l1-hv'", OperationStepStatus.Running),
            Step(2, OperationStepKind.SetNestedVirtualization, "Set ExposeVirtualizationExtensions $false on L1 'l1-hv'", OperationStepStatus.Pending),
        ]);

        Assert.Contains("at step 2 of 3, 'Shut down L1 'l1-hv''", note, StringComparison.Ordinal);
        Assert.Contains("L2 VM 'l2-app-01' had been shut down inside the guest by this change and not started again", note, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dialog_preview_names_the_running_L2_vms_and_lists_the_cascade()
    {
        using var context = new BunitContext();
        context.Services.AddMudServices();
        GuestVm[] vms = [new(Guid.NewGuid(), "l2-a", VmState.Running), new(Guid.NewGuid(), "l2-b", VmState.Running), new(Guid.NewGuid(), "l2-c", VmState.Off)];
        var reading = new NestedGuestReading(true, true, vms, NestedGuestReader.PowerShellDirect, null, null);
        var l1 = new VmSnapshot(L1Id, "l1-hv", VmState.Running, TimeSpan.Zero, 0, 8L << 30, false, 8L << 30, new Version(10, 0), 2, 4, true, false, [], "Windows Server 2022 Datacenter", "10.0.20348");
        var plan = NestedCascadePlan.For(HostName, new NestedVirtualizationRequest(HostName, l1.Id, false), l1, null, reading.Running);

        var preview = context.Render<CascadePreview>(p => p.Add(x => x.Guest, reading).Add(x => x.Plan, plan));

        Assert.Contains("Hyper-V runs in this guest; these 2 VMs are running and will stop working", preview.Find("[data-testid=cascade-running]").TextContent, StringComparison.Ordinal);
        Assert.Equal("l2-a, l2-b", preview.Find("[data-testid=cascade-running-names]").TextContent);
        Assert.Equal(5, preview.FindAll("[data-testid=cascade-plan-step]").Count);
        Assert.Contains("'l2-a', 'l2-b' are left off", preview.Find("[data-testid=cascade-left-off]").TextContent, StringComparison.Ordinal);
    }

    private sealed class OneHost(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(name, host.Name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
