using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.Overview;

/// <summary>Every host as a tile, live; filtered by tag and sorted as the query string says.</summary>
public sealed partial class OverviewPage : HostTilesComponent, IAsyncDisposable
{
    private static readonly (OverviewSort Sort, string Label)[] SortChoices =
    [
        (OverviewSort.Name, "Name"),
        (OverviewSort.Problems, "Problems first"),
        (OverviewSort.Vms, "Most VMs"),
    ];

    private readonly TileRows _rows = new();
    private IReadOnlyList<string> _allTags = [];
    private Totals _totals = new("0/0", "0/0", "0", "0/0", 0, 0);
    private ElementReference _grid;
    private BrowserWatch? _width;
    private bool _gone;

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required ILogger<OverviewPage> Logger { get; init; }

    private static string TileHref(HostTileModel tile) => $"/hosts/{Uri.EscapeDataString(tile.Name)}";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive)
        {
            return;
        }

        var watch = await BrowserWatch.StartAsync(JS, Logger, "./js/tilegrid.js", this, _grid);
        if (_gone)
        {
            // The page went while the module loaded.
            await watch.DisposeAsync();
            return;
        }

        _width = watch;
    }

    /// <summary>Called by tilegrid.js with the grid's width, at start and after every resize.</summary>
    [JSInvokable]
    public Task Fit(double width) => InvokeAsync(() =>
    {
        if (_rows.Fit(width))
        {
            StateHasChanged();
        }
    });

    /// <summary>Stops the browser's resize watch, then the live feed.</summary>
    public new async ValueTask DisposeAsync()
    {
        _gone = true;
        if (_width is not null)
        {
            await _width.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override void OnTilesChanged()
    {
        _allTags = Directory.Settings.AllTags();
        _totals = new Totals(
            $"{Tiles.Count(t => t.Status.State == HostConnectionState.Connected)}/{Tiles.Count}",
            $"{Shown.Sum(t => t.VmsRunning)}/{Shown.Sum(t => t.VmsTotal)}",
            $"{Shown.Sum(t => t.NestedOn)}",
            $"{Shown.Count(t => t.Verdict.Kind == HostVerdictKind.CanNest)}/{Shown.Count}",
            Shown.Sum(t => t.VmsFailing),
            Shown.Sum(t => t.Warnings));
    }

    // A long figure ("4353/10000" at 200 hosts) in smaller type, so it fits its card beside five others at 1366 px.
    private static string TotalClass(string text) => text.Length > 7 ? "nhv-total__value nhv-total__value--long" : "nhv-total__value";

    private static string TotalClass(int value) => TotalClass(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

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

    /// <summary>The figures over the tiles: connected hosts of all, then the rest over the hosts shown.</summary>
    private sealed record Totals(string Hosts, string Running, string Nested, string CanNest, int Failing, int Warnings);
}
