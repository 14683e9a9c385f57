using MudBlazor;
using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>How the VM page shows the end of a nested change.</summary>
/// <param name="Severity">The alert's severity.</param>
/// <param name="Title">One line: what happened (names the failed step).</param>
/// <param name="Message">The operation's message.</param>
/// <param name="HostMessage">What the host said, when the message does not already quote it.</param>
/// <param name="Restored">True when a compensating start brought the VM back to Running.</param>
public sealed record OperationReport(Severity Severity, string Title, string Message, string? HostMessage, bool Restored)
{
    /// <summary>The report for an operation's result.</summary>
    public static OperationReport Of(OperationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (severity, title) = result.Outcome switch
        {
            OperationOutcome.Succeeded => (Severity.Success, "Done"),
            OperationOutcome.NoChange => (Severity.Info, "Nothing to change"),
            OperationOutcome.Refused or OperationOutcome.Denied => (Severity.Warning, "Refused"),
            OperationOutcome.Deferred => (Severity.Info, "Pending until the VM is Off"),
            OperationOutcome.Busy => (Severity.Warning, "Busy"),
            OperationOutcome.Canceled => (Severity.Warning, result.FailedStep is { } running ? $"Stopped waiting during '{running.Title}' — the host was left to finish it" : "Canceled"),
            OperationOutcome.StillRunning => (Severity.Info, $"Still running on the host: '{result.FailedStep?.Title}'"),
            _ => (Severity.Error, result.FailedStep is { } step ? $"Step '{step.Title}' failed" : "Failed"),
        };
        var hostMessage = result.HostMessage is { } said && !result.Message.Contains(said, StringComparison.Ordinal) ? said : null;
        return new OperationReport(severity, title, result.Message, hostMessage, result.Restored);
    }

    /// <summary>The report for an exception nobody expected: shown, never thrown at the page.</summary>
    public static OperationReport Crashed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new OperationReport(Severity.Error, "The change could not be run", exception.Message, null, false);
    }
}
