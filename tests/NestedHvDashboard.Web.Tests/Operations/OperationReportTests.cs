using MudBlazor;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.VirtualMachines;
namespace NestedHvDashboard.Web.Tests.Operations;

public sealed class OperationReportTests
{
    private static readonly Guid VmId = Guid.Parse("3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f");

    [Fact]
    public void A_busy_result_shows_its_message_as_a_warning()
    {
        var result = new OperationResult(OperationOutcome.Busy, "hv-a", VmId, "lab-l1",
            "Another change is running on VM 'lab-l1' on host 'hv-a'; try again when it has finished.", [], null, null, null);

        var report = OperationReport.Of(result);

        Assert.Equal(Severity.Warning, report.Severity);
        Assert.Equal("Busy", report.Title);
        Assert.Equal(result.Message, report.Message);
        Assert.False(report.Restored);
    }

    [Fact]
    public void A_failed_result_names_the_step_keeps_an_unquoted_host_message_and_says_when_the_vm_was_restored()
    {
        OperationStep Step(int index, OperationStepKind kind, string title, OperationStepStatus status) =>
            new("hv-a", VmId, "lab-l1", index, kind, title, status);
        var failed = Step(1, OperationStepKind.SetNestedVirtualization, "Set ExposeVirtualizationExtensions $true", OperationStepStatus.Failed);
        var result = new OperationResult(OperationOutcome.Failed, "hv-a", VmId, "lab-l1", "It failed.",
            [Step(0, OperationStepKind.ShutDown, "Shut down", OperationStepStatus.Compensated), failed,
             Step(2, OperationStepKind.Start, "Start", OperationStepStatus.Skipped),
             Step(3, OperationStepKind.CompensatingStart, "Start again (restore Running)", OperationStepStatus.Done)],
            failed, "The configuration is locked.", null);

        var report = OperationReport.Of(result);

        Assert.Equal(Severity.Error, report.Severity);
        Assert.Equal("Step 'Set ExposeVirtualizationExtensions $true' failed", report.Title);
        Assert.Equal("The configuration is locked.", report.HostMessage);
        Assert.True(report.Restored);
    }
}
