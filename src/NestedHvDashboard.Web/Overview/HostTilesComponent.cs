using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Overview;

/// <summary>
/// A page of host tiles (the Overview and the wall): one <see cref="HostTileModel"/> per host from the live feed,
/// filtered by tag and sorted as the query string says (<c>?tag=a&amp;tag=b&amp;sort=problems</c>).
/// </summary>
public abstract class HostTilesComponent : LiveInventoryComponent
{
    [Inject]
    public required HostDirectory Directory { get; init; }

    /// <summary>The tags to show (<c>?tag=a&amp;tag=b</c>); none shows every host.</summary>
    [SupplyParameterFromQuery(Name = "tag")]
    public string[]? Tag { get; set; }

    /// <summary>The order: <c>name</c> (default), <c>problems</c> or <c>vms</c>.</summary>
    [SupplyParameterFromQuery(Name = "sort")]
    public string? Sort { get; set; }

    /// <summary>The view the query string asks for.</summary>
    protected OverviewQuery Query { get; private set; } = OverviewQuery.Default;

    /// <summary>Every host's tile.</summary>
    protected IReadOnlyList<HostTileModel> Tiles { get; private set; } = [];

    /// <summary>The tiles the view shows, in its order.</summary>
    protected IReadOnlyList<HostTileModel> Shown { get; private set; } = [];

    protected override void OnParametersSet()
    {
        Query = OverviewQuery.Parse(Tag, Sort);
        Show();
    }

    protected override void OnInventoryChanged()
    {
        Tiles = [.. Hosts.Select(h => HostTileModel.From(h, Directory.TagsOf(h.Name)))];
        Show();
    }

    /// <summary>Called after <see cref="Tiles"/> or <see cref="Shown"/> changed, before the re-render.</summary>
    protected virtual void OnTilesChanged()
    {
    }

    private void Show()
    {
        Shown = Query.Apply(Tiles);
        OnTilesChanged();
    }
}
