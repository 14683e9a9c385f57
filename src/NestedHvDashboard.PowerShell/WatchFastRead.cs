namespace NestedHvDashboard.PowerShell;

/// <summary>How the host-side watch reads its VMs' fast fields (state, CPU, uptime, memory assigned) every cycle.</summary>
public enum WatchFastReadMethod
{
    /// <summary>
    /// One WMI call for every VM: <c>Msvm_VirtualSystemManagementService.GetSummaryInformation</c>. A real host answers it
    /// as one query, whatever its number of VMs.
    /// </summary>
    SummaryInformation,

    /// <summary>
    /// <c>Get-VM</c>, the fallback when the summary call is not there or failed: a real host answers it per VM (about
    /// 12 ms each by Windows-Admin-Center-Ideas-and-Feedback #120, so ~6 s every cycle for 500 VMs).
    /// </summary>
    GetVm,
}

/// <summary>What the host-side watch said about its fast read (its WatchState row).</summary>
/// <param name="Method">The read in use.</param>
/// <param name="Reason">Why the watch uses <see cref="WatchFastReadMethod.GetVm"/>, in the host's words; null with the summary.</param>
public sealed record WatchFastRead(WatchFastReadMethod Method, string? Reason)
{
    /// <summary>The script's name for <see cref="WatchFastReadMethod.SummaryInformation"/>.</summary>
    internal const string SummaryMethod = "GetSummaryInformation";

    /// <summary>One line for a log or a page: which read, and why when it is the fallback.</summary>
    public override string ToString() => Method == WatchFastReadMethod.SummaryInformation
        ? "fast fields from one GetSummaryInformation call per cycle"
        : $"fast fields from Get-VM (per VM on a real host): {Reason ?? "the summary call is not available"}";
}
