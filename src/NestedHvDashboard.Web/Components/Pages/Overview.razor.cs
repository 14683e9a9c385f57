using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Overview;

namespace NestedHvDashboard.Web.Components.Pages;

/// <summary>Every host as a tile, live; filtered by tag and sorted as the query string says.</summary>
public sealed partial class Overview : LiveInventoryComponent
{
    private static readonly (OverviewSort Sort, string Label)[] SortChoices =
    [
        (OverviewSort.Name, "Name"),
        (OverviewSort.Problems, "Problems first"),
        (OverviewSort.Vms, "Most VMs"),
    ];

    private OverviewQuery _query = OverviewQuery.Default;
    private IReadOnlyList<HostTileModel> _tiles = [];
    private IReadOnlyList<HostTileModel> _shown = [];
    private IReadOnlyList<string> _allTags = [];
    private int _connected;

    [Inject]
    public required HostDirectory Directory { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The tags to show (<c>?tag=a&amp;tag=b</c>); none shows every host.</summary>
    [SupplyParameterFromQuery(Name = "tag")]
    public string[]? Tag { get; set; }

    /// <summary>The order: <c>name</c> (default), <c>problems</c> or <c>vms</c>.</summary>
    [SupplyParameterFromQuery(Name = "sort")]
    public string? Sort { get; set; }

    protected override void OnParametersSet()
    {
        _query = OverviewQuery.Parse(Tag, Sort);
        _shown = _query.Apply(_tiles);
    }

    protected override void OnInventoryChanged()
    {
        _allTags = Directory.Settings.AllTags();
        _tiles = [.. Hosts.Select(h => HostTileModel.From(h, Directory.TagsOf(h.Name)))];
        _connected = _tiles.Count(t => t.Status.State == HostConnectionState.Connected);
        _shown = _query.Apply(_tiles);
    }

    private void ToggleTag(string tag)
    {
        var tags = _query.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)
            ? _query.Tags.Where(t => !string.Equals(t, tag, StringComparison.OrdinalIgnoreCase)).ToArray()
            : [.. _query.Tags, tag];
        Go(tags, _query.SortParameter);
    }

    private void ClearTags() => Go([], _query.SortParameter);

    private void SortBy(OverviewSort sort) => Go([.. _query.Tags], (_query with { Sort = sort }).SortParameter);

    // The query string holds the view, so a bookmark or a wall keeps it; replace keeps Back useful.
    private void Go(string[] tags, string? sort) => Navigation.NavigateTo(
        Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["tag"] = tags.Length == 0 ? null : tags,
            ["sort"] = sort,
        }),
        replace: true);
}
