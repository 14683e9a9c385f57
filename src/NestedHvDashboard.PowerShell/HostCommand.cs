namespace NestedHvDashboard.PowerShell;

/// <summary>One call to a host: a static script, its parameters, and what to name in errors.</summary>
/// <param name="Script">The script to run.</param>
/// <param name="Parameters">Passed as PowerShell parameters, never as script text.</param>
/// <param name="Operation">What is tried, in cmdlet terms, e.g. "Set-VMProcessor -ExposeVirtualizationExtensions $true".</param>
/// <param name="VmName">The VM concerned, when there is one.</param>
public sealed record HostCommand(
    HostScript Script,
    IReadOnlyDictionary<string, object?> Parameters,
    string Operation,
    string? VmName = null)
{
    /// <summary>
    /// How long the command itself may run once connected (a long operation's <see cref="Core.Hosts.OperationTimeouts"/>);
    /// null means the host's timeout. When it runs out the host is left to finish and the call ends StillRunning.
    /// </summary>
    public TimeSpan? Limit { get; init; }
}
