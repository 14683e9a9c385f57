using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;
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
public sealed class AuditCompletenessTests : IAsyncLifetime
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

        await service.RunAsync(TestDatabase.Operator, HostName, off, enable: true, PowerAction.None, false, false, null);
        var succeeded = Last();
        AssertComplete(succeeded, TestDatabase.Operator, "Enable nested", AuditResults.Succeeded, HostName, "lab-l1");
        Assert.Equal(off.Id, succeeded.VmId);
        Assert.Contains("nested on", succeeded.After, StringComparison.Ordinal);

        host.FailNext("SetNested", "The operation cannot be performed while the object is in use.");
        await service.RunAsync(TestDatabase.Operator, HostName, host.Vm(off.Id), enable: false, PowerAction.None, false, false, null);
        var failed = Last();
        AssertComplete(failed, TestDatabase.Operator, "Disable nested", AuditResults.Failed, HostName, "lab-l1");
        Assert.Equal("The operation cannot be performed while the object is in use.", failed.HostError);

        await service.RunAsync(TestDatabase.Operator, "hv-gone", off, enable: true, PowerAction.None, false, false, null);
        AssertComplete(Last(), TestDatabase.Operator, "Enable nested", AuditResults.Refused, "hv-gone", "lab-l1");

        // A second change while the first still runs on the same VM is Busy: refused, and recorded as such.
        var hold = host.HoldNext("SetNested");
        var first = service.RunAsync(TestDatabase.Operator, HostName, host.Vm(off.Id), enable: false, PowerAction.None, false, false, null);
        await Eventually.HoldsAsync(() => operations.IsRunning(HostName, off.Id));
        var busy = await service.RunAsync(TestDatabase.Administrator, HostName, host.Vm(off.Id), enable: false, PowerAction.None, false, false, null);
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

        Assert.NotNull((await service.DeferAsync(TestDatabase.Operator, HostName, running, enable: true, true, false)).Change);
        AssertComplete(Last(), TestDatabase.Operator, "Enable nested at next shutdown", AuditResults.Deferred, HostName, "lab-l1");
        Assert.Contains("\"enableMacAddressSpoofing\":true", Last().Parameters, StringComparison.Ordinal);

        Assert.NotNull((await service.CancelPendingAsync(TestDatabase.Viewer, HostName, running.Id)).Refusal);
        AssertComplete(Last(), TestDatabase.Viewer, "Cancel pending nested change", AuditResults.Denied, HostName, "lab-l1");
        Assert.NotNull(pending.Find(HostName, running.Id));

        Assert.True((await service.CancelPendingAsync(TestDatabase.Operator, HostName, running.Id)).Canceled);
        AssertComplete(Last(), TestDatabase.Operator, "Cancel pending nested change", AuditResults.Succeeded, HostName, "lab-l1");

        Assert.NotNull((await service.DeferAsync(TestDatabase.Viewer, HostName, running, enable: false, false, false)).Refusal);
        AssertComplete(Last(), TestDatabase.Viewer, "Disable nested at next shutdown", AuditResults.Denied, HostName, "lab-l1");
        var run = await service.RunAsync(TestDatabase.Viewer, HostName, running, enable: false, PowerAction.ShutDown, false, false, null);
        Assert.Equal(OperationOutcome.Refused, run.Outcome);
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
        pending.Add(new PendingNestedChange(HostName, off.Id, off.Name, true, false, DateTimeOffset.UtcNow));
        _db.Break();

        var run = await service.RunAsync(TestDatabase.Operator, HostName, off, enable: true, PowerAction.None, false, false, null);
        var (change, deferRefusal) = await service.DeferAsync(TestDatabase.Operator, HostName, off, enable: true, false, false);
        var (canceled, cancelRefusal) = await service.CancelPendingAsync(TestDatabase.Operator, HostName, off.Id);

        Assert.Equal(OperationOutcome.Refused, run.Outcome);
        Assert.Contains("the audit trail could not record it", run.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", run.Message, StringComparison.Ordinal);
        Assert.Null(change);
        Assert.Contains("the audit trail could not record it", deferRefusal, StringComparison.Ordinal);
        Assert.False(canceled);
        Assert.Contains("the audit trail could not record it", cancelRefusal, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Calls, c => c.StartsWith("Set", StringComparison.Ordinal));
        Assert.True(pending.Find(HostName, off.Id)?.Enable);
    }

    // ---- Bulk ----

    [Fact]
    public async Task A_bulk_run_leaves_one_entry_per_vm_and_one_for_the_run_all_complete()
    {
        var offOk = Vm("off-ok", VmState.Off);
        var offFails = Vm("off-fails", VmState.Off);
        var running = Vm("running", VmState.Running);
        var host = new FakeHyperVHost(HostName, Facts, offFails, offOk, running);
        host.FailNext("SetNested", "The configuration is locked.");
        var (bulk, _) = Bulk(host);

        var run = await bulk.StartAsync(TestDatabase.Operator, [Row(offFails), Row(offOk), Row(running)], enable: true, BulkRunningChoice.Skip, enableMacAddressSpoofing: false);
        await run.Completion;

        var entries = _db.Entries();
        Assert.Equal(4, entries.Count);
        Assert.Single(entries.Select(e => e.CorrelationId).Distinct());
        Assert.NotNull(entries[0].CorrelationId);
        var runEntry = Assert.Single(entries, e => e.Host is null);
        AssertComplete(runEntry, TestDatabase.Operator, "Bulk enable nested", AuditResults.Failed, null);
        Assert.Contains("1 succeeded", runEntry.Message, StringComparison.Ordinal);
        Assert.Contains("off-fails", runEntry.Parameters, StringComparison.Ordinal);
        var vms = entries.Where(e => e.Host is not null).ToDictionary(e => e.VmName!);
        AssertComplete(vms["off-fails"], TestDatabase.Operator, "Enable nested", AuditResults.Failed, HostName, "off-fails");
        Assert.Equal("The configuration is locked.", vms["off-fails"].HostError);
        AssertComplete(vms["off-ok"], TestDatabase.Operator, "Enable nested", AuditResults.Succeeded, HostName, "off-ok");
        Assert.Contains("nested on", vms["off-ok"].After, StringComparison.Ordinal);
        AssertComplete(vms["running"], TestDatabase.Operator, "Enable nested", AuditResults.Refused, HostName, "running");
        Assert.All(vms.Values, e => Assert.Contains("\"bulk\":true", e.Parameters, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_canceled_bulk_run_and_a_deferred_vm_are_recorded_too()
    {
        var first = Vm("first", VmState.Off);
        var second = Vm("second", VmState.Off);
        var running = Vm("running", VmState.Running);
        var host = new FakeHyperVHost(HostName, Facts, first, second, running);
        var (bulk, operations) = Bulk(host);

        var hold = host.HoldNext("SetNested");
        var run = await bulk.StartAsync(TestDatabase.Operator, [Row(first), Row(second)], enable: true, BulkRunningChoice.Skip, false);
        await Eventually.HoldsAsync(() => operations.IsRunning(HostName, first.Id));
        run.Cancel();
        hold.SetResult();
        await run.Completion;

        var canceled = _db.Entries().ToDictionary(e => e.VmName ?? "run");
        Assert.Equal(3, canceled.Count);
        AssertComplete(canceled["first"], TestDatabase.Operator, "Enable nested", AuditResults.Succeeded, HostName, "first");
        AssertComplete(canceled["second"], TestDatabase.Operator, "Enable nested", AuditResults.Canceled, HostName, "second");
        AssertComplete(canceled["run"], TestDatabase.Operator, "Bulk enable nested", AuditResults.Succeeded, null);

        var deferredRun = await bulk.StartAsync(TestDatabase.Operator, [Row(running), Row(host.Vm(second.Id))], enable: true, BulkRunningChoice.AtNextShutdown, false);
        await deferredRun.Completion;

        var later = _db.Entries().Skip(3).ToList();
        Assert.Equal(3, later.Count);
        AssertComplete(Assert.Single(later, e => e.VmName == "running"), TestDatabase.Operator, "Enable nested at next shutdown", AuditResults.Deferred, HostName, "running");
        AssertComplete(Assert.Single(later, e => e.VmName == "second"), TestDatabase.Operator, "Enable nested", AuditResults.Succeeded, HostName, "second");
        AssertComplete(Assert.Single(later, e => e.Host is null), TestDatabase.Operator, "Bulk enable nested", AuditResults.Succeeded, null);
        Assert.Contains("1 deferred", later.Single(e => e.Host is null).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewers_bulk_run_is_one_denied_entry_and_a_failing_trail_refuses_every_vm()
    {
        var off = Vm("off", VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var (bulk, _) = Bulk(host);

        var denied = await bulk.StartAsync(TestDatabase.Viewer, [Row(off)], enable: true, BulkRunningChoice.Skip, false);

        Assert.True(denied.IsDone);
        Assert.Equal([BulkNestedSwitch.Denied], denied.Results.Select(r => r.Outcome));
        AssertComplete(Only(), TestDatabase.Viewer, "Bulk enable nested", AuditResults.Denied, null);

        var broken = new BulkNestedSwitch(
            new BulkNestedVirtualization(new NestedVirtualizationOperations(), new Lookup(host).Find, 1), new PendingNestedChanges(), new FailingAuditTrail(), TimeProvider.System);
        var refused = await broken.StartAsync(TestDatabase.Operator, [Row(off)], enable: true, BulkRunningChoice.Skip, false);
        await refused.Completion;

        var result = Assert.Single(refused.Results);
        Assert.Equal(nameof(OperationOutcome.Refused), result.Outcome);
        Assert.Contains("the audit trail could not record it (the audit database is gone)", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Calls, c => c.StartsWith("Set", StringComparison.Ordinal));
    }

    // ---- At next shutdown ----

    [Fact]
    public async Task A_pending_change_is_not_applied_while_the_trail_cannot_record_it()
    {
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
        var off = Vm("lab-l1", VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        var pending = new PendingNestedChanges();
        pending.Add(new PendingNestedChange(HostName, off.Id, off.Name, true, false, DateTimeOffset.UtcNow));
        var audit = new FailingAuditTrail();
        store.ApplyInventory(HostName, new HostInventory(Facts, [off], DateTimeOffset.UtcNow));
        using var applier = new PendingChangeApplier(store, new Lookup(host), new NestedVirtualizationOperations(), pending, audit, NullLogger<PendingChangeApplier>.Instance);

        await applier.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => audit.Attempts > 0);
        }
        finally
        {
            await applier.StopAsync(CancellationToken.None);
        }

        Assert.DoesNotContain(host.Calls, c => c.StartsWith("Set", StringComparison.Ordinal));
        Assert.NotNull(pending.Find(HostName, off.Id));
    }

    // ---- MAC address spoofing ----

    [Fact]
    public async Task Mac_spoofing_success_failure_denial_and_a_failing_trail()
    {
        var vm = Vm("lab-l1", VmState.Running);
        var host = new FakeHyperVHost(HostName, Facts, vm);
        var service = new MacSpoofingService(new Lookup(host), _db.Audit);

        Assert.True((await service.SetAsync(TestDatabase.Operator, HostName, vm, "Network Adapter", true)).Succeeded);
        var on = Last();
        AssertComplete(on, TestDatabase.Operator, "MAC spoofing on", AuditResults.Succeeded, HostName, "lab-l1");
        Assert.Contains("Network Adapter=Off", on.Before, StringComparison.Ordinal);
        Assert.Contains("Network Adapter=On", on.After, StringComparison.Ordinal);

        host.FailNext("SetMacSpoofing", "Failed to modify device 'Ethernet'.");
        Assert.False((await service.SetAsync(TestDatabase.Operator, HostName, vm, null, false)).Succeeded);
        var failed = Last();
        AssertComplete(failed, TestDatabase.Operator, "MAC spoofing off", AuditResults.Failed, HostName, "lab-l1");
        Assert.Equal("Failed to modify device 'Ethernet'.", failed.HostError);

        Assert.False((await service.SetAsync(TestDatabase.Viewer, HostName, vm, null, false)).Succeeded);
        AssertComplete(Last(), TestDatabase.Viewer, "MAC spoofing off", AuditResults.Denied, HostName, "lab-l1");
        Assert.Equal(3, _db.Entries().Count);

        var calls = host.Calls.Count;
        var unrecorded = await new MacSpoofingService(new Lookup(host), new FailingAuditTrail()).SetAsync(TestDatabase.Operator, HostName, vm, null, true);
        Assert.False(unrecorded.Succeeded);
        Assert.Contains("the audit trail could not record it", unrecorded.Message, StringComparison.Ordinal);
        Assert.Equal(calls, host.Calls.Count);
    }

    // ---- Guest NAT, Hyper-V in the guest, credentials ----

    [Fact]
    public async Task Guest_nat_create_refusal_remove_and_install_each_leave_one_complete_entry_without_the_password()
    {
        var (vm, host, setup) = GuestLab(_db.Audit);
        var known = KnownGuest;

        Assert.Equal(GuestActionOutcome.Succeeded, (await setup.ReadStateAsync(TestDatabase.Operator, HostName, vm, known, Never)).Outcome);
        Assert.Empty(_db.Entries());

        var created = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, known, Never, new NatNetworkRequest("192.168.0.0/24", "192.168.0.1"));
        Assert.Equal(GuestActionOutcome.Succeeded, created.Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Create guest NAT", AuditResults.Succeeded, HostName, vm.Name);
        Assert.Contains("192.168.0.0", Last().Parameters, StringComparison.Ordinal);

        var refused = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, known, Never, new NatNetworkRequest("10.1.0.0/24", "10.1.0.1", SwitchName: "Second"));
        Assert.Equal(GuestActionOutcome.Refused, refused.Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Create guest NAT", AuditResults.Refused, HostName, vm.Name);
        Assert.Contains("refused before anything ran", Last().Message, StringComparison.Ordinal);

        Assert.Equal(GuestActionOutcome.Succeeded, (await setup.RemoveNatAsync(TestDatabase.Operator, HostName, vm, known, Never, "LocalNAT", "VmNAT")).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Remove guest NAT", AuditResults.Succeeded, HostName, vm.Name);

        Assert.Equal(GuestActionOutcome.Succeeded, (await setup.InstallHyperVAsync(TestDatabase.Operator, HostName, vm, known, Never, null)).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Install Hyper-V in guest", AuditResults.Succeeded, HostName, vm.Name);

        var nestedOff = vm with { ExposeVirtualizationExtensions = false };
        Assert.Equal(GuestActionOutcome.Refused, (await setup.InstallHyperVAsync(TestDatabase.Operator, HostName, nestedOff, known, Never, null)).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Install Hyper-V in guest", AuditResults.Refused, HostName, vm.Name);

        Assert.Equal(GuestActionOutcome.Refused, (await setup.RemoveNatAsync(TestDatabase.Viewer, HostName, vm, known, Never, "LocalNAT", "VmNAT")).Outcome);
        AssertComplete(Last(), TestDatabase.Viewer, "Remove guest NAT", AuditResults.Denied, HostName, vm.Name);

        Assert.Equal(6, _db.Entries().Count);
        AssertNoSecret(FakeGuestHost.Password);
    }

    [Fact]
    public async Task A_failed_guest_nat_names_the_step_and_a_lost_host_warns_the_guest_may_be_half_done()
    {
        var (vm, host, setup) = GuestLab(_db.Audit);
        var known = KnownGuest;
        var request = new NatNetworkRequest("192.168.0.0/24", "192.168.0.1");

        // A step the guest refused: GuestSteps.ps1 undid the earlier ones and the engine names the step.
        host.CreateNatFailure = new HostOperationException(HostErrorKind.HostRefused, HostName, "New-NetNat -Name LocalNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24",
            "The parameter is incorrect. Undone: Remove-VMSwitch -Name VmNAT -Force.", vm.Name);
        var refused = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, known, Never, request);
        Assert.Equal(GuestActionOutcome.Failed, refused.Outcome);
        Assert.Contains("failed at: New-NetNat -Name LocalNAT", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("may be left", refused.Message, StringComparison.Ordinal);
        AssertComplete(Last(), TestDatabase.Operator, "Create guest NAT", AuditResults.Failed, HostName, vm.Name);
        Assert.Contains("failed at: New-NetNat -Name LocalNAT", Last().Message, StringComparison.Ordinal);
        Assert.Contains("Undone: Remove-VMSwitch", Last().HostError, StringComparison.Ordinal);

        // The host lost mid-way: nobody undid anything, and the page and the audit say the guest may be half-done.
        host.CreateNatFailure = new HostOperationException(HostErrorKind.Unreachable, HostName, "New-VMSwitch -Name VmNAT -SwitchType Internal; New-NetNat -Name LocalNAT",
            "The SSH transport process has abruptly terminated causing this remote session to break.", vm.Name);
        var lost = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, known, Never, request);
        Assert.Equal(GuestActionOutcome.Failed, lost.Outcome);
        Assert.Contains("failed at: New-VMSwitch -Name VmNAT -SwitchType Internal; New-NetNat", lost.Message, StringComparison.Ordinal);
        Assert.Contains("may be left with some of these steps done and not undone", lost.Message, StringComparison.Ordinal);
        Assert.Contains("may be left with some of these steps done and not undone", Last().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_that_refuses_the_password_then_a_user_who_cancels_is_one_canceled_entry()
    {
        var (vm, host, setup) = GuestLab(_db.Audit);
        var answers = new Queue<GuestCredentialAnswer?>([new GuestCredentialAnswer(new GuestCredential("Administrator", "Wrong-Guess-77"), Remember: true), null]);
        var problems = new List<string?>();

        var result = await setup.CreateNatAsync(TestDatabase.Administrator, HostName, vm, null, problem =>
        {
            problems.Add(problem);
            return Task.FromResult(answers.Dequeue());
        }, new NatNetworkRequest("192.168.0.0/24", "192.168.0.1"));

        Assert.Equal(GuestActionOutcome.Canceled, result.Outcome);
        Assert.Contains("refused the user name or password", problems[1], StringComparison.Ordinal);
        var entry = Only();
        AssertComplete(entry, TestDatabase.Administrator, "Create guest NAT", AuditResults.Canceled, HostName, vm.Name);
        AssertNoSecret("Wrong-Guess-77");
    }

    [Fact]
    public async Task An_install_the_dashboard_stopped_during_its_restart_leaves_an_interrupted_entry_saying_where_it_was()
    {
        var (vm, host, setup) = GuestLab(_db.Audit);
        var hold = host.HoldInstall();
        var install = setup.InstallHyperVAsync(TestDatabase.Operator, HostName, vm, KnownGuest, _ => Task.FromResult<GuestCredentialAnswer?>(null), null);

        // The install waits after "restarting": its Started entry already says where it is.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Last().Message?.Contains("restarting to finish", StringComparison.Ordinal) != true && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(AuditResults.Started, Last().Result);

        // The dashboard dies here; the next start marks the entry Interrupted with those words.
        Assert.Equal(1, await _db.Audit.MarkInterruptedAsync());
        var entry = Last();
        Assert.Equal(AuditResults.Interrupted, entry.Result);
        Assert.StartsWith(
            "The dashboard stopped before this change ended. Hyper-V was installed in the guest and the VM was restarting to finish it.",
            entry.Message, StringComparison.Ordinal);

        hold.SetResult();
        await install;
    }

    [Fact]
    public async Task Forgetting_credentials_is_recorded_for_an_administrator_and_denied_to_an_operator()
    {
        var vm = NetworkAdaptersCardTests.Vm(VmState.Running);
        var credentials = Credentials();
        credentials.Remember(HostName, vm.Id, new GuestCredential("Administrator", FakeGuestHost.Password));
        var setup = new GuestSetup(new Lookup(new FakeGuestHost(HostName, Facts, vm)), credentials, _db.Audit);

        Assert.Equal(GuestActionOutcome.Refused, (await setup.ForgetCredentialAsync(TestDatabase.Operator, HostName, vm)).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Forget guest credentials", AuditResults.Denied, HostName, vm.Name);
        Assert.True(credentials.IsRemembered(HostName, vm.Id));

        Assert.Equal(GuestActionOutcome.Succeeded, (await setup.ForgetCredentialAsync(TestDatabase.Administrator, HostName, vm)).Outcome);
        AssertComplete(Last(), TestDatabase.Administrator, "Forget guest credentials", AuditResults.Succeeded, HostName, vm.Name);
        Assert.False(credentials.IsRemembered(HostName, vm.Id));

        Assert.Equal(GuestActionOutcome.Refused, (await setup.ForgetCredentialAsync(TestDatabase.Administrator, HostName, vm)).Outcome);
        AssertComplete(Last(), TestDatabase.Administrator, "Forget guest credentials", AuditResults.Refused, HostName, vm.Name);

        Assert.Equal(3, _db.Entries().Count);
        AssertNoSecret(FakeGuestHost.Password);

        credentials.Remember(HostName, vm.Id, new GuestCredential("Administrator", FakeGuestHost.Password));
        var unrecorded = await new GuestSetup(new Lookup(new FakeGuestHost(HostName, Facts, vm)), credentials, new FailingAuditTrail()).ForgetCredentialAsync(TestDatabase.Administrator, HostName, vm);
        Assert.Contains("the audit trail could not record it", unrecorded.Message, StringComparison.Ordinal);
        Assert.True(credentials.IsRemembered(HostName, vm.Id));
    }

    [Fact]
    public async Task A_guest_change_is_not_run_when_the_trail_cannot_record_it()
    {
        var (vm, host, setup) = GuestLab(new FailingAuditTrail());

        var result = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, new GuestCredential(FakeGuestHost.UserName, FakeGuestHost.Password), Never, new NatNetworkRequest("192.168.0.0/24", "192.168.0.1"));

        Assert.Equal(GuestActionOutcome.Refused, result.Outcome);
        Assert.Contains("the audit trail could not record it", result.Message, StringComparison.Ordinal);
        Assert.Empty(host.Calls);
    }

    // ---- New VM ----

    [Fact]
    public async Task New_vm_success_refusal_host_failure_and_denial_each_leave_one_complete_entry()
    {
        var host = new FakeGuestHost(HostName, Facts, NetworkAdaptersCardTests.Vm(VmState.Off));
        var service = new NewVmService(new Lookup(host), _db.Audit);
        var request = new NewVmRequest("l1-new", 8L << 30, 4, "Lab");

        Assert.True((await service.CreateAsync(TestDatabase.Operator, HostName, request)).Succeeded);
        var created = Last();
        AssertComplete(created, TestDatabase.Operator, "New nested-ready VM", AuditResults.Succeeded, HostName, "l1-new");
        Assert.Contains("\"memoryStartupBytes\":8589934592", created.Parameters, StringComparison.Ordinal);
        Assert.NotNull(created.After);

        host.CreateFailure = new NewVmRefusedException(HostName, [new NewVmProblem(NewVmField.SwitchName, "The host has no switch named 'Lab'.")]);
        Assert.False((await service.CreateAsync(TestDatabase.Operator, HostName, request)).Succeeded);
        AssertComplete(Last(), TestDatabase.Operator, "New nested-ready VM", AuditResults.Refused, HostName, "l1-new");
        Assert.Contains("The host has no switch named 'Lab'.", Last().Message, StringComparison.Ordinal);

        host.CreateFailure = new HostOperationException(HostErrorKind.HostRefused, HostName, "New-VM", "There is not enough space on the disk.");
        Assert.False((await service.CreateAsync(TestDatabase.Operator, HostName, request)).Succeeded);
        AssertComplete(Last(), TestDatabase.Operator, "New nested-ready VM", AuditResults.Failed, HostName, "l1-new");
        Assert.Equal("There is not enough space on the disk.", Last().HostError);

        // Past its limit (a host frozen after New-VM): the result says to look for the half-made VM, not only "failed".
        host.CreateFailure = new HostOperationException(HostErrorKind.StillRunning, HostName, "New-VM", "The operation did not end within 00:10:00.");
        var late = await service.CreateAsync(TestDatabase.Operator, HostName, request);
        Assert.False(late.Succeeded);
        Assert.Contains("half-made VM 'l1-new'", late.Message, StringComparison.Ordinal);
        AssertComplete(Last(), TestDatabase.Operator, "New nested-ready VM", AuditResults.Failed, HostName, "l1-new");
        Assert.Contains("half-made VM 'l1-new'", Last().Message, StringComparison.Ordinal);

        Assert.False((await service.CreateAsync(TestDatabase.Viewer, HostName, request)).Succeeded);
        AssertComplete(Last(), TestDatabase.Viewer, "New nested-ready VM", AuditResults.Denied, HostName, "l1-new");

        Assert.Equal(5, _db.Entries().Count);
        host.CreateFailure = null;
        var unrecorded = await new NewVmService(new Lookup(host), new FailingAuditTrail()).CreateAsync(TestDatabase.Operator, HostName, request with { Name = "l1-other" });
        Assert.Contains("the audit trail could not record it", unrecorded.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Created, r => r.Name == "l1-other");
    }

    [Fact]
    public async Task A_new_vm_the_dashboard_stopped_during_leaves_an_interrupted_entry_naming_the_step_it_was_at()
    {
        var host = new FakeGuestHost(HostName, Facts, NetworkAdaptersCardTests.Vm(VmState.Off));
        var service = new NewVmService(new Lookup(host), _db.Audit);
        var hold = host.HoldCreateAt(2);
        var page = new StepLog();
        var create = service.CreateAsync(TestDatabase.Operator, HostName, new NewVmRequest("l1-new", 8L << 30, 4, "Lab"), page);

        // The host has begun Set-VMProcessor (New-VM and Set-VMMemory done): the Started entry already says so.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Last().Message?.Contains("step 3 of 4", StringComparison.Ordinal) != true && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(AuditResults.Started, Last().Result);

        // The dashboard dies here; the next start marks the entry Interrupted naming the step and what was done before it.
        Assert.Equal(1, await _db.Audit.MarkInterruptedAsync());
        var entry = Last();
        Assert.Equal(AuditResults.Interrupted, entry.Result);
        Assert.Equal(
            "The dashboard stopped before this change ended. It was at step 3 of 4, 'Set-VMProcessor -Count -ExposeVirtualizationExtensions $true' (running on the host). " +
            "Done before it: 'New-VM -Generation 2', 'Set-VMMemory -DynamicMemoryEnabled $false'. Check the VM's state on the host.",
            entry.Message);

        // The caller's own progress (the dialog's step list) gets the reports too.
        Assert.Equal(OperationStepStatus.Running, page.Steps[2].Status);
        hold.SetResult();
        Assert.True((await create).Succeeded);
        Assert.Equal(NewVmPlan.Steps.Select(s => s.Title), page.Steps.Select(s => s.Title));
        Assert.All(page.Steps, s => Assert.Equal(OperationStepStatus.Done, s.Status));
    }

    // ---- Hosts ----

    [Fact]
    public async Task Host_add_edit_remove_refusal_and_denial_each_leave_one_complete_entry_without_the_password()
    {
        var directory = NewDirectory(withLab: false);
        var hosts = new HostAdministration(directory, _db.Audit);
        var form = new HostForm { Name = "hv09", Address = "hv09.lab.example", Transport = HostTransport.WinRm, UserName = "LAB\\dashboard", Password = HostPassword };

        Assert.True((await hosts.AddAsync(TestDatabase.Administrator, form)).Succeeded);
        var added = Last();
        AssertComplete(added, TestDatabase.Administrator, "Add host", AuditResults.Succeeded, "hv09");
        Assert.Contains("\"passwordGiven\":true", added.Parameters, StringComparison.Ordinal);
        Assert.Equal("no such host", added.Before);
        Assert.Contains("hv09.lab.example", added.After, StringComparison.Ordinal);

        var edit = directory.EditFormFor("hv09")!;
        edit.Tags = "rack-b";
        edit.Password = HostPassword + "-new";
        Assert.True((await hosts.UpdateAsync(TestDatabase.Administrator, "hv09", edit)).Succeeded);
        var edited = Last();
        AssertComplete(edited, TestDatabase.Administrator, "Edit host", AuditResults.Succeeded, "hv09");
        Assert.DoesNotContain("rack-b", edited.Before, StringComparison.Ordinal);
        Assert.Contains("rack-b", edited.After, StringComparison.Ordinal);

        Assert.False((await hosts.AddAsync(TestDatabase.Administrator, new HostForm { Name = "", Address = "", Password = HostPassword })).Succeeded);
        AssertComplete(Last(), TestDatabase.Administrator, "Add host", AuditResults.Refused, "");

        Assert.False((await hosts.RemoveAsync(TestDatabase.Operator, "hv09")).Succeeded);
        AssertComplete(Last(), TestDatabase.Operator, "Remove host", AuditResults.Denied, "hv09");
        Assert.NotNull(directory.Find("hv09"));

        Assert.True((await hosts.RemoveAsync(TestDatabase.Administrator, "hv09")).Succeeded);
        AssertComplete(Last(), TestDatabase.Administrator, "Remove host", AuditResults.Succeeded, "hv09");
        Assert.Null(directory.Find("hv09"));

        Assert.False((await hosts.AddAsync(TestDatabase.Operator, form)).Succeeded);
        AssertComplete(Last(), TestDatabase.Operator, "Add host", AuditResults.Denied, "hv09");

        Assert.Equal(6, _db.Entries().Count);
        AssertNoSecret(HostPassword);

        var unrecorded = await new HostAdministration(directory, new FailingAuditTrail()).AddAsync(TestDatabase.Administrator, form);
        Assert.False(unrecorded.Succeeded);
        Assert.Contains("the audit trail could not record it", Assert.Single(unrecorded.Errors).Message, StringComparison.Ordinal);
        Assert.Null(directory.Find("hv09"));
    }

    [Fact]
    public async Task Adding_a_nested_host_and_its_refusal_and_denial_are_recorded()
    {
        var directory = NewDirectory(withLab: true);
        var hosts = new HostAdministration(directory, _db.Audit);
        var (parent, vmId) = directory.Lab!.Hosts
            .Select(h => (h.Name, Vm: h.Read(s => s.Vms.FirstOrDefault(v => v.Name == "nested-l1-01"))))
            .Where(p => p.Vm is not null)
            .Select(p => (p.Name, p.Vm!.Id))
            .First();

        Assert.False((await hosts.AddNestedHostAsync(TestDatabase.Operator, parent, vmId)).Succeeded);
        AssertComplete(Last(), TestDatabase.Operator, "Add nested host", AuditResults.Denied, parent);

        Assert.True((await hosts.AddNestedHostAsync(TestDatabase.Administrator, parent, vmId)).Succeeded);
        AssertComplete(Last(), TestDatabase.Administrator, "Add nested host", AuditResults.Succeeded, parent);
        Assert.Contains("nested-l1-01", Last().After, StringComparison.Ordinal);

        Assert.False((await hosts.AddNestedHostAsync(TestDatabase.Administrator, parent, vmId)).Succeeded);
        AssertComplete(Last(), TestDatabase.Administrator, "Add nested host", AuditResults.Refused, parent);
        Assert.Contains("is already the host", Last().Message, StringComparison.Ordinal);

        Assert.Equal(3, _db.Entries().Count);
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

    private HostDirectory NewDirectory(bool withLab)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, withLab ? "lab" : "hosts")).FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(withLab ? new Dictionary<string, string?> { [HostDirectory.SimulatorEnabledSetting] = "true" } : new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = "hv-config",
            ["Hosts:0:Address"] = "hv-config.lab.example",
            ["Hosts:0:Transport"] = "WinRm",
        }).Build();
        var store = new HostConnectionStore(_db.Factory, StoreSettings, DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(folder, "keys"))), NullLogger<HostConnectionStore>.Instance);
        var directory = new HostDirectory(configuration, NullLogger<HostDirectory>.Instance, null, store, withLab ? null : new FakeConnector());
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
