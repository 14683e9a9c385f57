using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.NestedSwitching;
namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>
/// The VM grid of one host or of every host: search, filters, sort on every column, multi-select and the bulk
/// nested switch. Built for 10,000 rows: the rows and their sort orders come from the shared <see cref="VmRowSet"/> of
/// the inventory state (computed once for every circuit), the grid asks for the rows on screen only, and this
/// component keeps just its filter's result and the selection, by VM key, across live updates.
/// </summary>
public sealed partial class VmGrid : ComponentBase
{
    private MudDataGrid<VmRow>? _grid;
    private VmSelection _selection = VmSelection.Empty;
    private IReadOnlySet<string> _columns = VmGridColumns.DefaultsFor(int.MaxValue);
    private VmRowSet _set = VmRowSet.Of([]);
    private IReadOnlyList<VmRow> _shown = [];
    private VmGridQuery _query = new();
    private (VmGridColumn Column, bool Descending)? _sort = (VmGridColumn.Name, false);
    private BulkRun? _run;
    private VmGridQuery? _appliedFilter;

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required BulkNestedSwitch Bulk { get; init; }

    [Inject]
    public required NestedHvDashboard.Web.Access.CurrentActor Actor { get; init; }

    /// <summary>The hosts whose VMs the grid shows (one host on a host page, every host on /vms). Default: none.</summary>
    [Parameter]
    public IReadOnlyList<HostInventoryState> Hosts { get; set; } = [];

    /// <summary>True to show a Host column and search host names too (the all-VMs view). Default false.</summary>
    [Parameter]
    public bool ShowHost { get; set; }

    /// <summary>The grid's fixed height (CSS), so the rows scroll inside it. Default "calc(100vh - 300px)".</summary>
    [Parameter]
    public string Height { get; set; } = "calc(100vh - 300px)";

    /// <summary>
    /// The filters the grid starts with, e.g. from the address on /vms (<see cref="VmGridAddress"/>); a new value replaces
    /// the current filters. Default: null (no filter).
    /// </summary>
    [Parameter]
    public VmGridQuery? Filter { get; set; }

    private string StateValue => _query.State?.ToString() ?? "any";

    private string NestedValue => _query.Nested switch { true => "on", false => "off", _ => "any" };

    private string ReadinessValue => _query.Readiness?.ToString() ?? "any";

    // The chosen columns; the Blocking reason also whenever the grid is filtered to VMs that fail, warn or are unknown (an
    // overview count's link lands there): the question such a filter asks is why.
    private bool Shows(string column) =>
        _columns.Contains(column)
        || (column == VmGridColumns.BlockingReason && _query.Readiness is ReadinessStatus.Fail or ReadinessStatus.Warn or ReadinessStatus.Unknown);

    private void SetColumns(IReadOnlySet<string> columns) => _columns = columns;

    protected override async Task OnParametersSetAsync()
    {
        var set = VmRowSet.Of(Hosts);
        var filtered = Filter is not null && !ReferenceEquals(Filter, _appliedFilter);
        if (filtered)
        {
            _appliedFilter = Filter;
            _query = Filter!;
        }

        if (ReferenceEquals(set, _set) && !filtered)
        {
            return;
        }

        _set = set;
        // A VM that left the inventory leaves the selection; the others stay selected by key.
        _selection = _selection.Following(_set.Rows);
        await RefilterAsync();
    }

    private IReadOnlyList<VmRow> Ordered => _sort is { } sort ? _set.Sorted(sort.Column, sort.Descending) : _set.Rows;

    private async Task RefilterAsync()
    {
        _shown = (_query with { SearchHosts = ShowHost }).Apply(Ordered);
        if (_grid is not null)
        {
            // The count and toolbar first, then the grid fetches its rows on screen: both show the same filter.
            StateHasChanged();
            await _grid.ReloadServerData();
        }
    }

    // The grid asks for the rows on screen; a new sort refilters the shared order of that column.
    private Task<GridData<VmRow>> LoadAsync(GridStateVirtualize<VmRow> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        (VmGridColumn, bool)? wanted = VmGridQuery.ColumnOf(sort?.SortFunc) is { } column ? (column, sort!.Descending) : null;
        if (wanted != _sort)
        {
            _sort = wanted;
            _shown = (_query with { SearchHosts = ShowHost }).Apply(Ordered);
        }

        var shown = _shown;
        var start = Math.Clamp(state.StartIndex, 0, shown.Count);
        var count = Math.Clamp(state.Count, 0, shown.Count - start);
        var page = new VmRow[count];
        for (var i = 0; i < count; i++)
        {
            page[i] = shown[start + i];
        }

        return Task.FromResult(new GridData<VmRow> { Items = page, TotalItems = shown.Count });
    }

    private Task OnSearch(string? text)
    {
        _query = _query with { Search = text ?? "" };
        return RefilterAsync();
    }

    private Task OnState(string? value)
    {
        _query = _query with { State = Enum.TryParse<VmState>(value, out var state) ? state : null };
        return RefilterAsync();
    }

    private Task OnNested(string? value)
    {
        _query = _query with { Nested = value switch { "on" => true, "off" => false, _ => null } };
        return RefilterAsync();
    }

    private Task OnReadiness(string? value)
    {
        _query = _query with { Readiness = Enum.TryParse<ReadinessStatus>(value, out var status) ? status : null };
        return RefilterAsync();
    }

    private Task OnHostCleared(string host)
    {
        _query = _query with { Hosts = [.. _query.Hosts.Where(h => !string.Equals(h, host, StringComparison.OrdinalIgnoreCase))] };
        return RefilterAsync();
    }

    private void SetSelected(VmRow row, bool on) => _selection = _selection.With(row, on, _set.Rows);

    // Select all selects every row the search and filters show (not only those on screen); unticking clears those only:
    // VMs selected under another search stay selected.
    private void SelectAllShown(bool on) => _selection = _selection.WithShown(_shown, on, _set.Rows);

    private void ClearSelection() => _selection = VmSelection.Empty;

    private async Task BulkAsync(bool enable)
    {
        var targets = _selection.Rows;
        if (targets.Count == 0)
        {
            return;
        }

        var parameters = new DialogParameters<BulkDialog>
        {
            { d => d.Vms, targets },
            { d => d.Enable, enable },
            { d => d.MaxPerHost, Bulk.MaxPerHost },
        };
        var dialog = await Dialogs.ShowAsync<BulkDialog>(enable ? "Enable nested virtualization" : "Disable nested virtualization", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        var answer = await dialog.Result;
        if (answer is not { Canceled: false, Data: BulkChoice choice })
        {
            return;
        }

        var run = await Bulk.StartAsync(await Actor.GetAsync(), targets, enable, choice.Running, choice.MacAddressSpoofing, choice.DynamicMemoryOff);
        _run = run;
        ClearSelection();
    }
}
