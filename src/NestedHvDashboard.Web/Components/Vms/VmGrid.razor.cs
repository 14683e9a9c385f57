using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.Vms;

namespace NestedHvDashboard.Web.Components.Vms;

/// <summary>
/// The VM grid of one host or of every host: search, filters, sort on every column, multi-select and the bulk
/// nested switch. Virtualized, so a thousand rows render only what is on screen; the selection is kept by VM key
/// across live updates.
/// </summary>
public sealed partial class VmGrid : ComponentBase
{
    private HashSet<VmRow> _selected = [];
    private Dictionary<VmKey, VmRow> _byKey = [];
    private IReadOnlyList<VmRow> _rows = [];
    private IReadOnlyList<VmRow> _shown = [];
    private VmGridQuery _query = new();
    private IReadOnlyList<HostInventoryState>? _builtFrom;
    private BulkRun? _run;

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

    /// <summary>The selected VMs that are still in the inventory, in grid order.</summary>
    private IReadOnlyList<VmRow> SelectedRows => [.. _rows.Where(_selected.Contains)];

    private string StateValue => _query.State?.ToString() ?? "any";

    private string NestedValue => _query.Nested switch { true => "on", false => "off", _ => "any" };

    private string ReadinessValue => _query.Readiness?.ToString() ?? "any";

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(_builtFrom, Hosts))
        {
            return;
        }

        _builtFrom = Hosts;
        _rows = VmRow.Of(Hosts, _byKey);
        _byKey = _rows.ToDictionary(r => r.Key);
        // A VM that left the inventory leaves the selection; the others stay selected by key. The grid takes a new set
        // as a new selection, so the set is replaced, never changed in place.
        if (_selected.Any(r => !_byKey.ContainsKey(r.Key)))
        {
            _selected = [.. _selected.Where(r => _byKey.ContainsKey(r.Key))];
        }
        Refilter();
    }

    private void Refilter() => _shown = (_query with { SearchHosts = ShowHost }).Apply(_rows);

    private void OnSearch(string? text)
    {
        _query = _query with { Search = text ?? "" };
        Refilter();
    }

    private void OnState(string? value)
    {
        _query = _query with { State = Enum.TryParse<VmState>(value, out var state) ? state : null };
        Refilter();
    }

    private void OnNested(string? value)
    {
        _query = _query with { Nested = value switch { "on" => true, "off" => false, _ => null } };
        Refilter();
    }

    private void OnReadiness(string? value)
    {
        _query = _query with { Readiness = Enum.TryParse<ReadinessStatus>(value, out var status) ? status : null };
        Refilter();
    }

    private void OnSelectionChanged(HashSet<VmRow> selected) => _selected = [.. selected];

    private void ClearSelection() => _selected = [];

    private async Task BulkAsync(bool enable)
    {
        var targets = SelectedRows;
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
        _selected = [];
    }
}
