using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>
/// The runner applying a one-L1-one-L2 NAT blueprint on an in-process simulated host, through the app's registration: the real
/// engine for the host, the L1 and its guest, fakes only for the L1's and L2's parts not merged yet (<see cref="BlueprintLabHost"/>).
/// </summary>
public sealed class BlueprintRunnerTests : IAsyncLifetime
{
    private const string HostName = "HV-BP-01";
    private const long GB = 1L << 30;
    private static readonly GuestCredential Lab = new(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword);

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-blueprint-").FullName;
    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _simulated;
    private readonly InMemoryBlueprintStore _store = new();
    private readonly InventoryStore _inventory = new();
    private ServiceProvider _provider = null!;

    public BlueprintRunnerTests()
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
            MemoryBytes = 128 * GB,
        })
        { Timing = SimulationTiming.Fast() };
        _simulated.AddSwitch("External", VMSwitchType.External, "Ethernet");
        _lab.Add(_simulated);
    }

    private static Blueprint NatLab => new("nat-lab", "one L1, one L2 behind its NAT", [
        new BlueprintL1("lab-a", HostName, 4, 8 * GB, null, SimulatedImages.WindowsServer2022, "External",
            new BlueprintNetwork(BlueprintNetworking.Nat, "VmNAT", "192.168.100.0/24", "192.168.100.1", null),
            [new BlueprintL2("lab-a-web", 2, 2 * GB, SimulatedImages.WindowsServer2022, null, null)]),
    ], "lab-dc");

    public async Task InitializeAsync()
    {
        var engine = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = HostName, Address = HostName, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) }, _lab);

        // The simulated guest restarts in milliseconds: the install's wait for it need not poll every 3 s.
        engine.GuestPollInterval = TimeSpan.FromMilliseconds(20);
        var services = new ServiceCollection();
        services.AddSingleton<IHostLookup>(new OneHost(new BlueprintLabHost(engine, _simulated)));
        services.AddSingleton(new DataFolder(_folder));
        services.AddDashboardDatabase(TestStores.SqliteIn(_folder));
        TestStores.Migrated(TestStores.SqliteIn(_folder));
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_inventory);
        services.AddSingleton<IBlueprintStore>(_store);
        services.AddBlueprintRunning();
        _db.AddTo(services);
        _provider = services.BuildServiceProvider();
        await RefreshInventoryAsync();
    }

    public async Task DisposeAsync()
    {
        var host = LabHost;
        await _provider.DisposeAsync();
        await host.DisposeAsync();
        _db.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The lab host, owned by the lookup the services hold (disposed with the test).</summary>
    private BlueprintLabHost LabHost => (BlueprintLabHost)_provider.GetRequiredService<IHostLookup>().Find(HostName)!;

    private BlueprintRunner Runner => _provider.GetRequiredService<BlueprintRunner>();

    private async Task RefreshInventoryAsync()
    {
        _inventory.SetHostStatus(HostName, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
        _inventory.ApplyInventory(HostName, await LabHost.GetInventoryAsync());
    }

    private async Task<BlueprintRun> ApplyAndWaitAsync(BlueprintCredentials? credentials = null, Web.Access.Actor? actor = null)
    {
        var started = await Runner.ApplyAsync(actor ?? TestDatabase.Operator, NatLab, credentials ?? new BlueprintCredentials(Lab, null));
        Assert.True(started.Succeeded, started.Message);
        await Runner.WhenIdleAsync(NatLab.Name).WaitAsync(TimeSpan.FromMinutes(2));
        return Runner.LastRun(NatLab.Name)!;
    }

    [Fact]
    public async Task Applying_the_NAT_lab_builds_the_L1_from_its_image_with_Hyper_V_and_the_NAT_inside_and_the_L2_running_with_its_address()
    {
        var run = await ApplyAndWaitAsync(new BlueprintCredentials(Lab, null, Remember: true), TestDatabase.Administrator);

        Assert.True(run.State is BlueprintRunState.Succeeded, string.Join("\n", run.Steps.Select(s => $"{s.Step.Title}: {s.State} {s.Message}")));
        Assert.All(run.Steps, s => Assert.Equal(BlueprintStepState.Done, s.State));

        // New-VM made the L1 nested-ready, so the nested switch and the companion fixes were already so when their turn came.
        Assert.Equal([false, true, true, false, false, false, false, false, false], run.Steps.Select(s => s.Skipped));

        var l1 = _simulated.FindVm("lab-a")!;
        Assert.True(_simulated.Read(_ => (l1.State, l1.ExposeVirtualizationExtensions)) is (VMState.Running, true));
        Assert.Contains(_simulated.Read(h => h.Disks), d => d.Path.EndsWith(@"\lab-a.vhdx", StringComparison.Ordinal) && d.ParentPath == SimulatedImages.WindowsServer2022);
        var guest = _simulated.Read(_ => l1.Guest)!.Host;
        Assert.True(guest.Read(h => h.HyperVInstalled));
        Assert.Equal("192.168.100.0/24", guest.Read(h => h.NetNat?.InternalIPInterfaceAddressPrefix));
        var l2 = guest.FindVm("lab-a-web")!;
        Assert.Equal(VMState.Running, guest.Read(_ => l2.State));
        Assert.Equal(["CreateL2 lab-a-web", "Address lab-a-web 192.168.100.2/24", "Test lab-a-web"], LabHost.Calls);

        // Each step that ran is its own audited change under the run's entry; the password is nowhere in the trail.
        var entries = _db.Entries();
        Assert.Equal(
        [
            "Blueprint 'nat-lab': Apply", "Blueprint 'nat-lab': Create L1 'lab-a'", "Blueprint 'nat-lab': Start L1 'lab-a'", "Blueprint 'nat-lab': Install Hyper-V in 'lab-a'",
            "Blueprint 'nat-lab': Networking in 'lab-a'", "Blueprint 'nat-lab': Create L2 'lab-a-web' in 'lab-a'", "Blueprint 'nat-lab': Apply address in 'lab-a-web'",
            "Blueprint 'nat-lab': Test connectivity from 'lab-a-web'",
        ], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal((AuditResults.Succeeded, "ada"), (e.Result, e.Actor)));
        Assert.All(entries, e => Assert.DoesNotContain(LabScenarios.GuestAdministratorPassword, $"{e.Parameters}{e.Message}{e.Before}{e.After}{e.HostError}", StringComparison.Ordinal));

        // The run was saved at every step change, the steps going Running in their order.
        var runningOrder = _store.Saved.Select(r => r.Steps.FirstOrDefault(s => s.State is BlueprintStepState.Running)?.Step.Index).OfType<int>().Distinct();
        Assert.Equal(Enumerable.Range(0, run.Steps.Count), runningOrder);
        Assert.Equal(run, await _store.LastRunAsync(NatLab.Name));

        // Asked to, an Administrator's account is remembered for the L1 once its guest accepted it.
        Assert.Equal(Lab, await _provider.GetRequiredService<GuestCredentialStore>().FindAsync(HostName, l1.Id));
    }

    [Fact]
    public async Task A_failing_step_stops_the_run_with_the_guests_words_and_applying_again_resumes_from_it()
    {
        LabHost.FailNextAddress = "The address 192.168.100.2 is already in use on the network.";

        // An Operator may not remember guest accounts: asked to, the run goes on without keeping it.
        var failed = await ApplyAndWaitAsync(new BlueprintCredentials(Lab, null, Remember: true));

        Assert.Equal(BlueprintRunState.Failed, failed.State);
        var step = Assert.Single(failed.Steps, s => s.State is BlueprintStepState.Failed);
        Assert.Equal(BlueprintStepKind.ApplyAddress, step.Step.Kind);
        Assert.Contains("The address 192.168.100.2 is already in use on the network.", step.Message, StringComparison.Ordinal);
        Assert.All(failed.Steps.Where(s => s.Step.Index > step.Step.Index), s => Assert.Equal(BlueprintStepState.Pending, s.State));
        var entries = _db.Entries();
        Assert.Equal((AuditResults.Failed, "Blueprint 'nat-lab': Apply address in 'lab-a-web'"), (entries[^1].Result, entries[^1].Action));
        Assert.Equal(AuditResults.Failed, entries[0].Result);
        Assert.Contains("stopped at step 8 of 9", entries[0].Message, StringComparison.Ordinal);

        await RefreshInventoryAsync();
        var resumed = await ApplyAndWaitAsync();

        Assert.Equal((BlueprintRunState.Succeeded, failed.Id), (resumed.State, resumed.Id));
        Assert.All(resumed.Steps, s => Assert.Equal(BlueprintStepState.Done, s.State));
        var after = _db.Entries().Skip(entries.Count).Select(e => e.Action).ToList();
        Assert.Equal(["Blueprint 'nat-lab': Apply", "Blueprint 'nat-lab': Apply address in 'lab-a-web'", "Blueprint 'nat-lab': Test connectivity from 'lab-a-web'"], after);
        Assert.Single(_simulated.Read(h => h.Vms), v => v.Name == "lab-a");
        Assert.Null(await _provider.GetRequiredService<GuestCredentialStore>().FindAsync(HostName, _simulated.FindVm("lab-a")!.Id));
    }

    [Fact]
    public async Task Without_a_guest_account_and_none_remembered_the_apply_is_refused_naming_the_L1s()
    {
        var result = await Runner.ApplyAsync(TestDatabase.Operator, NatLab, new BlueprintCredentials(new GuestCredential("", ""), null));

        Assert.False(result.Succeeded);
        Assert.Equal("Blueprint 'nat-lab' needs the L1 guests' administrator account: none is remembered for 'lab-a'.", result.Message);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal((AuditResults.Refused, result.Message), (entry.Result, entry.Message));
        Assert.Null(_simulated.FindVm("lab-a"));
    }

    [Fact]
    public async Task Stopping_a_runner_its_container_disposed_first_ends_quietly_and_stopping_it_twice_too()
    {
        var runner = Runner;
        await runner.StopAsync(CancellationToken.None);
        await runner.StopAsync(CancellationToken.None);
        runner.Dispose();
        runner.Dispose();

        var stopped = runner.StopAsync(CancellationToken.None);

        await stopped;
        Assert.True(stopped.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_viewer_is_denied_and_nothing_runs()
    {
        var result = await Runner.ApplyAsync(TestDatabase.Viewer, NatLab, new BlueprintCredentials(Lab, null));

        Assert.False(result.Succeeded);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal((AuditResults.Denied, "Blueprint 'nat-lab': Apply"), (entry.Result, entry.Action));
        Assert.Null(_simulated.FindVm("lab-a"));
        Assert.Null(Runner.LastRun(NatLab.Name));
    }

    [Fact]
    public async Task A_run_left_running_by_a_restart_is_marked_interrupted_and_applying_again_resumes_it()
    {
        var review = await _provider.GetRequiredService<IBlueprintPlanner>().ReviewAsync(NatLab);
        await _store.SaveAsync(NatLab, "olivia");
        var id = Guid.NewGuid();
        await _store.SaveRunAsync(new BlueprintRun(id, NatLab.Name, "olivia", DateTimeOffset.UtcNow, null, BlueprintRunState.Running,
            [.. review.Steps.Select((s, i) => new BlueprintStepProgress(s, i == 0 ? BlueprintStepState.Running : BlueprintStepState.Pending, null, false, i == 0 ? DateTimeOffset.UtcNow : null, null))]));

        await Runner.StartAsync(CancellationToken.None);

        var interrupted = Runner.LastRun(NatLab.Name)!;
        Assert.Equal(BlueprintRunState.Interrupted, interrupted.State);
        Assert.Equal((BlueprintStepState.Failed, BlueprintRunner.InterruptedMessage), (interrupted.Steps[0].State, interrupted.Steps[0].Message));
        Assert.Equal(BlueprintRunState.Interrupted, (await _store.LastRunAsync(NatLab.Name))!.State);

        var resumed = await ApplyAndWaitAsync();

        Assert.Equal((BlueprintRunState.Succeeded, id), (resumed.State, resumed.Id));
    }

    private sealed class OneHost(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
