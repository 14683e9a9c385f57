using Bunit;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>Long steps on the VM page: a limit that runs out says "still running on the host — checking", and the user can stop waiting.</summary>
public sealed partial class VmPageTests
{
    private const string ShutdownLimitRanOut = "The host was still running it when its limit of 10 min ran out; it was left to finish on the host.";

    [Fact]
    public void A_shutdown_that_outlives_its_limit_shows_still_running_checking_then_what_the_check_found()
    {
        var page = Open(Vm(VmState.Running));
        var shutdown = _host.HoldNext("Stop");
        _host.FailNext("Stop", ShutdownLimitRanOut, HostErrorKind.StillRunning, leaves: VmState.Stopping);

        Toggle(page);
        _dialogs.WaitForElement("[data-testid=choice-shut-down]").Click();
        page.WaitForAssertion(() => Assert.Equal(["Running", "Pending", "Pending"], page.FindAll("[data-step-status]").Select(e => e.GetAttribute("data-step-status"))));
        var check = _host.HoldNext("GetVm");
        shutdown.SetResult();

        // While the VM is read again.
        page.WaitForAssertion(() =>
        {
            Assert.Equal("StillRunning", page.FindAll("[data-step-status]")[0].GetAttribute("data-step-status"));
            Assert.Contains(NestedVirtualizationOperations.StillRunningChecking, page.FindAll("[data-testid=step-status]")[0].TextContent, StringComparison.Ordinal);
        });
        Assert.Empty(page.FindAll("[data-testid=outcome]"));
        check.SetResult();

        page.WaitForAssertion(() =>
        {
            var outcome = page.Find("[data-testid=outcome]").TextContent;
            Assert.Contains("Still running on the host: 'Shut down'", outcome, StringComparison.Ordinal);
            Assert.Contains("the VM is Stopping", outcome, StringComparison.Ordinal);
            Assert.Contains("not started again", outcome, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("Start", _host.Calls);
        Assert.Equal(VmState.Stopping, _host.Vm(VmId).State);
    }

    [Fact]
    public void Stop_waiting_during_a_long_shutdown_ends_the_wait_and_says_the_host_finishes_it()
    {
        var page = Open(Vm(VmState.Running));
        _host.HoldNext("Stop");

        Toggle(page);
        _dialogs.WaitForElement("[data-testid=choice-shut-down]").Click();
        page.WaitForAssertion(() => Assert.Equal(["Running", "Pending", "Pending"], page.FindAll("[data-step-status]").Select(e => e.GetAttribute("data-step-status"))));
        page.Find("[data-testid=stop-waiting]").Click();

        page.WaitForAssertion(() =>
        {
            var outcome = page.Find("[data-testid=outcome]").TextContent;
            Assert.Contains("Stopped waiting during 'Shut down' — the host was left to finish it", outcome, StringComparison.Ordinal);
        });
        Assert.Empty(page.FindAll("[data-testid=stop-waiting]"));
        Assert.DoesNotContain("Start", _host.Calls);
        Assert.False(page.Find(".mud-switch-input").HasAttribute("disabled"));
    }
}
