using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Tests.Audit;

public sealed class RunResultTests
{
    [Theory]
    [InlineData(AuditResults.Succeeded, OperationOutcome.Succeeded, OperationOutcome.NoChange, OperationOutcome.Deferred)]
    [InlineData(AuditResults.Partial, OperationOutcome.Succeeded, OperationOutcome.Refused)]
    [InlineData(AuditResults.Partial, OperationOutcome.NoChange, OperationOutcome.Busy)]
    [InlineData(AuditResults.Partial, OperationOutcome.Succeeded, OperationOutcome.Canceled)]
    [InlineData(AuditResults.Failed, OperationOutcome.Failed, OperationOutcome.Refused)]
    [InlineData(AuditResults.Refused, OperationOutcome.Refused, OperationOutcome.Busy)]
    [InlineData(AuditResults.Canceled, OperationOutcome.Canceled)]
    [InlineData(AuditResults.StillRunning, OperationOutcome.StillRunning)]
    [InlineData(AuditResults.Succeeded, OperationOutcome.Succeeded, OperationOutcome.StillRunning)]
    public void A_run_with_any_refusal_is_not_Succeeded(string expected, params OperationOutcome[] outcomes) =>
        Assert.Equal(expected, RunResult.Of(outcomes));
}
