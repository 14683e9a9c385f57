using Serilog.Events;

namespace NestedHvDashboard.Web.Logging;

/// <summary>
/// Blazor's own <c>Virtualize</c> component (the VM grid and Activity use it) calls into the browser from its
/// <c>DisposeAsync</c>. A page left by a full load (a link typed, a reload) has its circuit disposed at once, that pending call
/// is canceled, and the circuit logs it as an error, "Unhandled exception in circuit", though nothing went wrong: the tab has
/// simply moved on. Only that event is dropped; every other error of a circuit is logged as before.
/// </summary>
public static class CircuitDisposalNoise
{
    private const string CircuitHost = "Microsoft.AspNetCore.Components.Server.Circuits.CircuitHost";
    private const string VirtualizeDispose = "Microsoft.AspNetCore.Components.Web.Virtualization.VirtualizeJsInterop.DisposeAsync";

    /// <summary>True for the canceled JS call of a <c>Virtualize</c> disposed with its circuit, as the circuit host logs it.</summary>
    public static bool IsNoise(LogEvent logEvent) =>
        logEvent is not null
        && logEvent.Exception is OperationCanceledException canceled
        && logEvent.Properties.TryGetValue("SourceContext", out var source)
        && source is ScalarValue { Value: CircuitHost }
        && canceled.StackTrace?.Contains(VirtualizeDispose, StringComparison.Ordinal) == true;
}
