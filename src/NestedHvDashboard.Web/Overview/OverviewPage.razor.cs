using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Web.Overview;

/// <summary>Every host as a tile, live; filtered by tag and sorted as the query string says.</summary>
public sealed partial class OverviewPage : HostTilesComponent
{
    private static readonly (OverviewSort Sort, string Label)[] SortChoices =
    [
        (OverviewSort.Name, "Name"),
        (OverviewSort.Problems, "Problems first"),
        (OverviewSort.Vms, "Most VMs"),
    ];

    private IReadOnlyList<string> _allTags = [];
    private int _connected;

    [Inject]
    public required NavigationManager Navigation { get; init; }

    protected override void OnTilesChanged()
    {
        _allTags = Directory.Settings.AllTags();
        _connected = Tiles.Count(t => t.Status.State == HostConnectionState.Connected);
    }

    // The totals count the hosts shown: with a tag filter, the grid is narrowed to those hosts too.
    private string GridLink(ReadinessStatus status) =>
        VirtualMachines.VmGridAddress.For(Query.Tags.Count == 0 ? null : Shown.Select(t => t.Name), status);

    private void ToggleTag(string tag)
    {
        var tags = Query.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)
            ? Query.Tags.Where(t => !string.Equals(t, tag, StringComparison.OrdinalIgnoreCase)).ToArray()
            : [.. Query.Tags, tag];
        Go(tags, Query.SortParameter);
    }

    private void ClearTags() => Go([], Query.SortParameter);

    private void SortBy(OverviewSort sort) => Go([.. Query.Tags], (Query with { Sort = sort }).SortParameter);

    // The query string holds the view, so a bookmark or a wall keeps it; replace keeps Back useful.
    private void Go(string[] tags, string? sort) => Navigation.NavigateTo(
        Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["tag"] = tags.Length == 0 ? null : tags,
            ["sort"] = sort,
        }),
        replace: true);
}
