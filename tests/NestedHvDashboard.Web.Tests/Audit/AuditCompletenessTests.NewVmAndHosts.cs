using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.Tests.Networking;

namespace NestedHvDashboard.Web.Tests.Audit;

public sealed partial class AuditCompletenessTests
{
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
        var directory = await NewDirectoryAsync(withLab: false);
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
        var directory = await NewDirectoryAsync(withLab: true);
        var hosts = new HostAdministration(directory, _db.Audit);
        var (parent, vmId) = directory.Lab!.Lab.Hosts
            .Select(h => (h.Name, Vm: h.Read(s => s.Vms.FirstOrDefault(v => v.Name == "nested-l1-01"))))
            .Where(p => p.Vm is not null)
            .Select(p => (p.Name, p.Vm!.Id))
            .First();

        Assert.False((await hosts.AddNestedHostAsync(TestDatabase.Operator, parent, vmId)).Succeeded);
        AssertComplete(Last(), TestDatabase.Operator, "Add nested host", AuditResults.Denied, parent);

        Assert.True((await hosts.AddNestedHostAsync(TestDatabase.Administrator, parent, vmId, "nested-l1-01")).Succeeded);
        AssertComplete(Last(), TestDatabase.Administrator, "Add nested host", AuditResults.Succeeded, parent);
        Assert.Contains("nested-l1-01", Last().After, StringComparison.Ordinal);
        // The entry names the VM as the user knows it, not by its id.
        Assert.Equal(("nested-l1-01", vmId), (Last().VmName, Last().VmId));
        Assert.Contains("Adding VM 'nested-l1-01' of host", Last().Message, StringComparison.Ordinal);
        Assert.DoesNotContain(vmId.ToString(), Last().Message, StringComparison.OrdinalIgnoreCase);

        Assert.False((await hosts.AddNestedHostAsync(TestDatabase.Administrator, parent, vmId)).Succeeded);
        AssertComplete(Last(), TestDatabase.Administrator, "Add nested host", AuditResults.Refused, parent);
        Assert.Contains("is already the host", Last().Message, StringComparison.Ordinal);

        Assert.Equal(3, _db.Entries().Count);
    }
}
