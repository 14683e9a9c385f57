namespace NestedHvDashboard.Web.Components.Pages;

/// <summary>Every VM of every host in one grid, with the bulk nested switch.</summary>
public sealed partial class AllVms : LiveInventoryComponent
{
    /// <summary>From how many VMs on the page a refresh waits <see cref="LargeGridRefreshInterval"/> after the last one.</summary>
    public const int LargeGrid = 2_000;

    /// <summary>
    /// The least time between two refreshes of a large grid. Each refresh filters every row again for this circuit and has
    /// the grid fetch and render its rows on screen; with thousands of VMs and a busy feed (~10 batches a second) that was most
    /// of the app's CPU with a few browsers on /vms (the scale benchmark). Twice a second is still live for a grid.
    /// </summary>
    public static readonly TimeSpan LargeGridRefreshInterval = TimeSpan.FromMilliseconds(500);

    protected override TimeSpan MinRefreshInterval => Hosts.Sum(h => h.Vms.Count) >= LargeGrid ? LargeGridRefreshInterval : TimeSpan.Zero;
}
