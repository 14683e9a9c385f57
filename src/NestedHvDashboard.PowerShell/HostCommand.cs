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
    string? VmName = null);
