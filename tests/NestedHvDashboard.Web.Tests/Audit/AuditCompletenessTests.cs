using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Hosts;
using NestedHvDashboard.Web.Tests.Networking;
using NestedHvDashboard.Web.Tests.Pages;
using NestedHvDashboard.Web.VirtualMachines;
namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>
/// Every change attempt through every service leaves exactly one complete audit entry (a bulk run: one per VM and one
/// for the run), failed, refused and denied ones included; a trail that cannot be written stops the change before the host.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed partial class AuditCompletenessTests : IAsyncLifetime
{
    private const string HostName = "hv-a";
    private const string HostPassword = "Host-Secret-Pa55-91";

    private static readonly HostFacts Facts = NetworkAdaptersCardTests.Facts;

    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-audit-").FullName;
    private readonly List<HostDirectory> _directories = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var directory in _directories)
        {
            await directory.DisposeAsync();
        }

        _db.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    // ---- Nested virtualization, one VM ----

    [Fact]
    public async Task Nested_run_success_failure_unknown_host_and_busy_each_leave_one_complete_entry()
    {
        var off = Vm("lab-l1", VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var operations = new NestedVirtualizationOperations();
        var service = new NestedSwitchService(new Lookup(host), operations, new PendingNestedChanges(), _db.Audit, TimeProvider.System);

        await service.RunAsync(TestDatabase.Operator, off, new NestedVirtualizationRequest(HostName, off.Id, true, PowerAction.None, false, false), null);
        var succeeded = Last();
        AssertComplete(succeeded, TestDatabase.Operator, "Enable nested", AuditResults.Succeeded, HostName, "lab-l1");
        Assert.Equal(off.Id, succeeded.VmId);
        Assert.Contains("nested on", succeeded.After, StringComparison.Ordinal);

        host.FailNext("SetNested", "The operation cannot be performed while the object is in use.");
        await service.RunAsync(TestDatabase.Operator, host.Vm(off.Id), new NestedVirtualizationRequest(HostName, off.Id, false, PowerAction.None, false, false), null);
        var failed = Last();
        AssertComplete(failed, TestDatabase.Operator, "Disable nested", AuditResults.Failed, HostName, "lab-l1");
        Assert.Equal("The operation cannot be performed while the object is in use.", failed.HostError);

        await service.RunAsync(TestDatabase.Operator, off, new NestedVirtualizationRequest("hv-gone", off.Id, true, PowerAction.None, false, false), null);
        AssertComplete(Last(), TestDatabase.Operator, "Enable nested", AuditResults.Refused, "hv-gone", "lab-l1");

        // A second change while the first still runs on the same VM is Busy: refused, and recorded as such.
        var hold = host.HoldNext("SetNested");
        var first = service.RunAsync(TestDatabase.Operator, host.Vm(off.Id), new NestedVirtualizationRequest(HostName, off.Id, false, PowerAction.None, false, false), null);
        await Eventually.HoldsAsync(() => operations.IsRunning(HostName, off.Id));
        var busy = await service.RunAsync(TestDatabase.Administrator, host.Vm(off.Id), new NestedVirtualizationRequest(HostName, off.Id, false, PowerAction.None, false, false), null);
        hold.SetResult();
        await first;

        Assert.Equal(OperationOutcome.Busy, busy.Outcome);
        var entries = _db.Entries();
        Assert.Equal(5, entries.Count);
        var busyEntry = Assert.Single(entries, e => e.Actor == "ada");
        AssertComplete(busyEntry, TestDatabase.Administrator, "Disable nested", AuditResults.Refused, HostName, "lab-l1");
        Assert.Contains("Busy", busyEntry.Message, StringComparison.Ordinal);
        AssertComplete(entries[^1].Actor == "ada" ? entries[^2] : entries[^1], TestDatabase.Operator, "Disable nested", AuditResults.Succeeded, HostName, "lab-l1");
    }

    [Fact]
    public async Task Defer_cancel_and_denials_of_each_leave_one_complete_entry()
    {
        var running = Vm("lab-l1", VmState.Running);
        var pending = new PendingNestedChanges();
        var service = new NestedSwitchService(new Lookup(new FakeHyperVHost(HostName, Facts, running)), new NestedVirtualizationOperations(), pending, _db.Audit, TimeProvider.System);

        Assert.Equal(OperationOutcome.Deferred, (await service.DeferAsync(TestDatabase.Operator, HostName, running, enable: true, true, false)).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Enable nested at next shutdown", AuditResults.Deferred, HostName, "lab-l1");
        Assert.Contains("\"enableMacAddressSpoofing\":true", Last().Parameters, StringComparison.Ordinal);

        Assert.Equal(OperationOutcome.Denied, (await service.CancelPendingAsync(TestDatabase.Viewer, HostName, running.Id)).Outcome);
        AssertComplete(Last(), TestDatabase.Viewer, "Cancel pending nested change", AuditResults.Denied, HostName, "lab-l1");
        Assert.NotNull(pending.Find(HostName, running.Id));

        Assert.Equal(OperationOutcome.Succeeded, (await service.CancelPendingAsync(TestDatabase.Operator, HostName, running.Id)).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Cancel pending nested change", AuditResults.Succeeded, HostName, "lab-l1");

        Assert.Equal(OperationOutcome.Denied, (await service.DeferAsync(TestDatabase.Viewer, HostName, running, enable: false, false, false)).Outcome);
        AssertComplete(Last(), TestDatabase.Viewer, "Disable nested at next shutdown", AuditResults.Denied, HostName, "lab-l1");
        var run = await service.RunAsync(TestDatabase.Viewer, running, new NestedVirtualizationRequest(HostName, running.Id, false, PowerAction.ShutDown, false, false), null);
        Assert.Equal(OperationOutcome.Denied, run.Outcome);
        AssertComplete(Last(), TestDatabase.Viewer, "Disable nested", AuditResults.Denied, HostName, "lab-l1");

        Assert.Equal(5, _db.Entries().Count);
        Assert.Null(pending.Find(HostName, running.Id));
    }

    [Fact]
    public async Task A_lost_audit_database_stops_nested_changes_before_the_host_and_says_why()
    {
        var off = Vm("lab-l1", VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var pending = new PendingNestedChanges();
        var service = new NestedSwitchService(new Lookup(host), new NestedVirtualizationOperations(), pending, _db.Audit, TimeProvider.System);
        await pending.AddAsync(new PendingNestedChange(HostName, off.Id, off.Name, true, false, DateTimeOffset.UtcNow));
        _db.Break();

        var run = await service.RunAsync(TestDatabase.Operator, off, new NestedVirtualizationRequest(HostName, off.Id, true, PowerAction.None, false, false), null);
        var deferred = await service.DeferAsync(TestDatabase.Operator, HostName, off, enable: true, false, false);
        var canceled = await service.CancelPendingAsync(TestDatabase.Operator, HostName, off.Id);

        Assert.Equal(OperationOutcome.Refused, run.Outcome);
        Assert.Contains("the audit trail could not record it", run.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", run.Message, StringComparison.Ordinal);
        Assert.Equal(OperationOutcome.Refused, deferred.Outcome);
        Assert.Contains("the audit trail could not record it", deferred.Message, StringComparison.Ordinal);
        Assert.Equal(OperationOutcome.Refused, canceled.Outcome);
        Assert.Contains("the audit trail could not record it", canceled.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Calls, c => c.StartsWith("Set", StringComparison.Ordinal));
        Assert.True(pending.Find(HostName, off.Id)?.Enable);
    }

    // ---- Helpers ----

    /// <summary>The entry is complete: who, from where, what, where, with its parameters and the state before, ended with a result and a message.</summary>
    private static void AssertComplete(AuditEntry entry, Actor actor, string action, string result, string? host, string? vm = null)
    {
        Assert.Equal((actor.Name, actor.Role, actor.Channel, actor.RemoteAddress), (entry.Actor, entry.Role, entry.Channel, entry.RemoteAddress));
        Assert.Equal((action, result, host), (entry.Action, entry.Result, entry.Host));
        if (vm is not null)
        {
            Assert.Equal(vm, entry.VmName);
        }

        Assert.NotNull(entry.CompletedAt);
        Assert.True(entry.CompletedAt >= entry.StartedAt);
        Assert.NotEqual(AuditResults.Started, entry.Result);
        Assert.False(string.IsNullOrWhiteSpace(entry.Message), "the entry has no message");
        Assert.False(string.IsNullOrWhiteSpace(entry.Parameters), "the entry has no parameters");
        Assert.False(string.IsNullOrWhiteSpace(entry.Before), "the entry has no state before");
    }

    private void AssertNoSecret(string secret)
    {
        foreach (var entry in _db.Entries())
        {
            var all = string.Join("|", entry.Actor, entry.Host, entry.VmName, entry.Action, entry.Parameters, entry.Before, entry.After, entry.Result, entry.Message, entry.HostError);
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    private AuditEntry Last() => _db.Entries()[^1];

    private AuditEntry Only() => Assert.Single(_db.Entries());

    private (BulkNestedSwitch Bulk, NestedVirtualizationOperations Operations) Bulk(IHyperVHost host)
    {
        var operations = new NestedVirtualizationOperations();
        // One VM at a time: the order of results (and which call fails) is the order given.
        var bulk = new BulkNestedVirtualization(operations, new Lookup(host).Find, maxPerHost: 1);
        return (new BulkNestedSwitch(bulk, new PendingNestedChanges(), _db.Audit, TimeProvider.System), operations);
    }

    private static VmRow Row(VmSnapshot vm) => new(HostName, Facts, vm);

    // The stores name the database in their errors; the test database is a SQLite file.
    private static readonly DatabaseSettings StoreSettings = new(DatabaseProvider.Sqlite, "Data Source=unused", "the test database");

    private static GuestCredential KnownGuest => new(FakeGuestHost.UserName, FakeGuestHost.Password);

    // A running VM with nested on, on a fake host whose guest takes KnownGuest, and the guest setup service over it.
    private (VmSnapshot Vm, FakeGuestHost Host, GuestSetup Setup) GuestLab(IAuditTrail audit)
    {
        var vm = NetworkAdaptersCardTests.Vm(VmState.Running) with { ExposeVirtualizationExtensions = true };
        var host = new FakeGuestHost(HostName, Facts, vm);
        return (vm, host, new GuestSetup(new Lookup(host), Credentials(), audit));
    }

    private GuestCredentialStore Credentials() =>
        new(_db.Factory, StoreSettings, new EphemeralDataProtectionProvider(), NullLogger<GuestCredentialStore>.Instance);

    private async Task<HostDirectory> NewDirectoryAsync(bool withLab)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, withLab ? "lab" : "hosts")).FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(withLab ? new Dictionary<string, string?> { [HostDirectory.SimulatorEnabledSetting] = "true" } : new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = "hv-config",
            ["Hosts:0:Address"] = "hv-config.lab.example",
            ["Hosts:0:Transport"] = "WinRm",
        }).Build();
        var store = new HostConnectionStore(_db.Factory, StoreSettings, DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(folder, "keys"))), NullLogger<HostConnectionStore>.Instance);
        var directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance, store, withLab ? null : new FakeConnector());
        _directories.Add(directory);
        return directory;
    }

    private static Task<GuestCredentialAnswer?> Never(string? problem) =>
        throw new InvalidOperationException($"The test did not expect to be asked for credentials ({problem}).");

    private static VmSnapshot Vm(string name, VmState state) => new(
        Guid.NewGuid(), name, state, TimeSpan.Zero, 0, 8L << 30, false, 8L << 30, new Version(10, 0), 2, 4, false, false,
        [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D010203", false)], null, null);


    private sealed class Lookup(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}

/// <summary>An audit trail that cannot be written, as when its database is gone; counts the attempts.</summary>
internal sealed class FailingAuditTrail : IAuditTrail
{
    private int _attempts;

    public event Action<AuditEntry>? Changed
    {
        add { }
        remove { }
    }

    public int Attempts => Volatile.Read(ref _attempts);

    public Task<long> BeginAsync(AuditStart start, CancellationToken cancellationToken = default) => Fail<long>();

    public Task CompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken = default) => Fail<bool>();

    public Task<long> RecordAsync(AuditStart start, AuditCompletion completion, CancellationToken cancellationToken = default) => Fail<long>();

    private Task<T> Fail<T>()
    {
        Interlocked.Increment(ref _attempts);
        return Task.FromException<T>(new InvalidOperationException("the audit database is gone"));
    }
}
