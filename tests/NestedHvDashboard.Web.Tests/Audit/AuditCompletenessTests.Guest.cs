using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Networking;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Audit;

public sealed partial class AuditCompletenessTests
{
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

    [Fact]
    public async Task Mac_spoofing_holds_the_vm_lock_so_it_is_refused_busy_while_another_change_runs_on_the_vm_and_runs_after()
    {
        var vm = Vm("lab-l1", VmState.Running);
        var host = new FakeHyperVHost(HostName, Facts, vm);
        var locks = new NestedVirtualizationOperations();
        var service = new MacSpoofingService(new Lookup(host), _db.Audit, locks: locks);

        // A nested switch (which sets MAC spoofing too) runs on the VM: the click is refused busy, recorded, and the host untouched.
        var calls = host.Calls.Count;
        using (var nested = locks.TryLock(HostName, vm.Id, vm.Name, out _))
        {
            Assert.NotNull(nested);
            var busy = await service.SetAsync(TestDatabase.Operator, HostName, vm, "Network Adapter", true);
            Assert.Equal(OperationOutcome.Busy, busy.Outcome);
            Assert.Contains($"Another change is running on VM 'lab-l1' on host '{HostName}'", busy.Message, StringComparison.Ordinal);
            AssertComplete(Last(), TestDatabase.Operator, "MAC spoofing on", AuditResults.Refused, HostName, "lab-l1");
            Assert.Equal(calls, host.Calls.Count);
        }

        // While the MAC change runs on the host, it holds the VM's lock itself: no other change may start on the VM.
        var hold = host.HoldNext("SetMacSpoofing");
        var running = service.SetAsync(TestDatabase.Operator, HostName, vm, "Network Adapter", true);
        await Eventually.HoldsAsync(() => locks.IsRunning(HostName, vm.Id));
        using (var second = locks.TryLock(HostName, vm.Id, vm.Name, out var refused))
        {
            Assert.Null(second);
            Assert.Contains("Another change is running", refused, StringComparison.Ordinal);
        }

        hold.SetResult();
        Assert.True((await running).Succeeded);
        Assert.Equal(AuditResults.Succeeded, Last().Result);
        using var free = locks.TryLock(HostName, vm.Id, vm.Name, out _);
        Assert.NotNull(free);
    }

    // ---- Guest NAT, Hyper-V in the guest, credentials ----

    [Fact]
    public async Task Guest_nat_create_refusal_remove_and_install_each_leave_one_complete_entry_without_the_password()
    {
        var (vm, host, setup) = GuestLab(_db.Audit);
        var known = KnownGuest;

        Assert.Equal(OperationOutcome.Succeeded, (await setup.ReadStateAsync(TestDatabase.Operator, HostName, vm, known, Never)).Outcome);
        Assert.Empty(_db.Entries());

        var created = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, known, Never, new NatNetworkRequest("192.168.0.0/24", "192.168.0.1"));
        Assert.Equal(OperationOutcome.Succeeded, created.Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Create guest NAT", AuditResults.Succeeded, HostName, vm.Name);
        Assert.Contains("192.168.0.0", Last().Parameters, StringComparison.Ordinal);

        var refused = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, known, Never, new NatNetworkRequest("10.1.0.0/24", "10.1.0.1", SwitchName: "Second"));
        Assert.Equal(OperationOutcome.Refused, refused.Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Create guest NAT", AuditResults.Refused, HostName, vm.Name);
        Assert.Contains("refused before anything ran", Last().Message, StringComparison.Ordinal);

        Assert.Equal(OperationOutcome.Succeeded, (await setup.RemoveNatAsync(TestDatabase.Operator, HostName, vm, known, Never, "LocalNAT", "VmNAT")).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Remove guest NAT", AuditResults.Succeeded, HostName, vm.Name);

        Assert.Equal(OperationOutcome.Succeeded, (await setup.InstallHyperVAsync(TestDatabase.Operator, HostName, vm, known, Never, null)).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Install Hyper-V in guest", AuditResults.Succeeded, HostName, vm.Name);

        var nestedOff = vm with { ExposeVirtualizationExtensions = false };
        Assert.Equal(OperationOutcome.Refused, (await setup.InstallHyperVAsync(TestDatabase.Operator, HostName, nestedOff, known, Never, null)).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Install Hyper-V in guest", AuditResults.Refused, HostName, vm.Name);

        Assert.Equal(OperationOutcome.Refused, (await setup.RemoveNatAsync(TestDatabase.Viewer, HostName, vm, known, Never, "LocalNAT", "VmNAT")).Outcome);
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
        Assert.Equal(OperationOutcome.Failed, refused.Outcome);
        Assert.Contains("failed at: New-NetNat -Name LocalNAT", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("may be left", refused.Message, StringComparison.Ordinal);
        AssertComplete(Last(), TestDatabase.Operator, "Create guest NAT", AuditResults.Failed, HostName, vm.Name);
        Assert.Contains("failed at: New-NetNat -Name LocalNAT", Last().Message, StringComparison.Ordinal);
        Assert.Contains("Undone: Remove-VMSwitch", Last().HostError, StringComparison.Ordinal);

        // The host lost mid-way: nobody undid anything, and the page and the audit say the guest may be half-done.
        host.CreateNatFailure = new HostOperationException(HostErrorKind.Unreachable, HostName, "New-VMSwitch -Name VmNAT -SwitchType Internal; New-NetNat -Name LocalNAT",
            "The SSH transport process has abruptly terminated causing this remote session to break.", vm.Name);
        var lost = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, known, Never, request);
        Assert.Equal(OperationOutcome.Failed, lost.Outcome);
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

        Assert.Equal(OperationOutcome.Canceled, result.Outcome);
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
        await credentials.RememberAsync(HostName, vm.Id, new GuestCredential("Administrator", FakeGuestHost.Password));
        var setup = new GuestSetup(new Lookup(new FakeGuestHost(HostName, Facts, vm)), credentials, _db.Audit);

        Assert.Equal(OperationOutcome.Refused, (await setup.ForgetCredentialAsync(TestDatabase.Operator, HostName, vm)).Outcome);
        AssertComplete(Last(), TestDatabase.Operator, "Forget guest credentials", AuditResults.Denied, HostName, vm.Name);
        Assert.True(await credentials.IsRememberedAsync(HostName, vm.Id));

        Assert.Equal(OperationOutcome.Succeeded, (await setup.ForgetCredentialAsync(TestDatabase.Administrator, HostName, vm)).Outcome);
        AssertComplete(Last(), TestDatabase.Administrator, "Forget guest credentials", AuditResults.Succeeded, HostName, vm.Name);
        Assert.False(await credentials.IsRememberedAsync(HostName, vm.Id));

        Assert.Equal(OperationOutcome.Refused, (await setup.ForgetCredentialAsync(TestDatabase.Administrator, HostName, vm)).Outcome);
        AssertComplete(Last(), TestDatabase.Administrator, "Forget guest credentials", AuditResults.Refused, HostName, vm.Name);

        Assert.Equal(3, _db.Entries().Count);
        AssertNoSecret(FakeGuestHost.Password);

        await credentials.RememberAsync(HostName, vm.Id, new GuestCredential("Administrator", FakeGuestHost.Password));
        var unrecorded = await new GuestSetup(new Lookup(new FakeGuestHost(HostName, Facts, vm)), credentials, new FailingAuditTrail()).ForgetCredentialAsync(TestDatabase.Administrator, HostName, vm);
        Assert.Contains("the audit trail could not record it", unrecorded.Message, StringComparison.Ordinal);
        Assert.True(await credentials.IsRememberedAsync(HostName, vm.Id));
    }

    [Fact]
    public async Task A_guest_change_is_not_run_when_the_trail_cannot_record_it()
    {
        var (vm, host, setup) = GuestLab(new FailingAuditTrail());

        var result = await setup.CreateNatAsync(TestDatabase.Operator, HostName, vm, new GuestCredential(FakeGuestHost.UserName, FakeGuestHost.Password), Never, new NatNetworkRequest("192.168.0.0/24", "192.168.0.1"));

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        Assert.Contains("the audit trail could not record it", result.Message, StringComparison.Ordinal);
        Assert.Empty(host.Calls);
    }
}
