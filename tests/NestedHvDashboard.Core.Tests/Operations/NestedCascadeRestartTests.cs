using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

/// <summary>The restart cascade: an L1 restarted with its running L2 VMs shut down first and started again after.</summary>
public sealed class NestedCascadeRestartTests
{
    private const string HostName = "HV01";
    private static readonly VmSnapshot L1 = Lab.Vm(state: VmState.Running, nested: true);
    private static readonly GuestVm A = new(Guid.Parse("00000000-0000-0000-0000-00000000000a"), "l2-a", VmState.Running);
    private static readonly GuestVm B = new(Guid.Parse("00000000-0000-0000-0000-00000000000b"), "l2-b", VmState.Running);
    private static readonly GuestCredential Credential = new("Administrator", "pw");

    private static NestedCascadeOperations Engine => new(new NestedVirtualizationOperations()) { GuestAnswerInterval = TimeSpan.Zero, GuestAnswerTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public void A_restart_plans_the_L2_vms_down_the_L1_down_and_up_then_the_L2_vms_up_in_the_same_order()
    {
        var plan = NestedCascadePlan.ForRestart(HostName, L1, [A, B]);

        Assert.Equal(
            [
                "Shut down L2 VM 'l2-a' (Stop-VM inside 'L1-Lab')",
                "Shut down L2 VM 'l2-b' (Stop-VM inside 'L1-Lab')",
                "Shut down L1 'L1-Lab'",
                "Start L1 'L1-Lab'",
                "Start L2 VM 'l2-a' again (Start-VM inside 'L1-Lab')",
                "Start L2 VM 'l2-b' again (Start-VM inside 'L1-Lab')",
            ],
            plan.Steps.Select(s => s.Title));
        Assert.Equal(PlanVerdict.Refused, NestedCascadePlan.ForRestart(HostName, L1 with { State = VmState.Off }, [A]).Verdict);
    }

    [Fact]
    public async Task The_restart_cascade_starts_the_L2_vms_again_once_the_L1_runs()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), L1);
        var guest = new FakeGuestVms(host, L1.Id, A, B);

        var result = (await Engine.RestartAsync(host, guest, Credential, HostName, L1.Id)).Result;

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        Assert.Equal(["Stop ShutDown", "Start"], host.Changes);
        Assert.Equal(
            ["Stop l2-a (L1 Running, nested True)", "Stop l2-b (L1 Running, nested True)", "Start l2-a (L1 Running, nested True)", "Start l2-b (L1 Running, nested True)"],
            guest.Changes);
        Assert.All(result.Steps, s => Assert.Equal(OperationStepStatus.Done, s.Status));
        Assert.Contains("was restarted (shut down, then started)", result.Message, StringComparison.Ordinal);
        Assert.Contains("'l2-a', 'l2-b' started again inside the guest", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_L1_that_will_not_shut_down_gets_its_L2_vms_started_again()
    {
        var host = new OperationsFakeHost(HostName, Lab.Host(), L1);
        host.Fail(HostCall.Stop, "The guest refused to shut down.", HostErrorKind.HostRefused);
        var guest = new FakeGuestVms(host, L1.Id, A);

        var result = (await Engine.RestartAsync(host, guest, Credential, HostName, L1.Id)).Result;

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal("Shut down L1 'L1-Lab'", result.FailedStep?.Title);
        Assert.Equal(VmState.Running, guest.Vm("l2-a").State);
        Assert.Contains("Start L2 VM 'l2-a' again (restore Running): Done", result.Steps.Select(s => $"{s.Title}: {s.Status}"));
        Assert.Contains("'l2-a' was started again", result.Message, StringComparison.Ordinal);
    }
}
