using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Web.VirtualMachines;
namespace NestedHvDashboard.Web.Hosts;

/// <summary>One host: Summary (facts, readiness, counts), Virtual machines (the grid) and Networking; the URL picks the tab.</summary>
public sealed partial class HostPage : LiveInventoryComponent
{
    private static readonly string[] TabPaths = ["", "/vms", "/networking"];

    private HostInventoryState? _host;
    private IReadOnlyList<HostInventoryState> _gridHosts = [];
    private int _tab;
    private bool _refreshing;
    private string? _refreshError;

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IHostLookup Lookup { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    /// <summary>The host's name, from the URL.</summary>
    [Parameter]
    public string Host { get; set; } = "";

    private HostConnectionSettings? Settings =>
        (Lookup as HostDirectory)?.Settings.FirstOrDefault(s => string.Equals(s.Name, Host, StringComparison.OrdinalIgnoreCase));

    private IReadOnlyList<string> Tags => Settings?.Tags ?? [];

    // How the host is reached, with its endpoint (WinRM) or subsystem (SSH); null for hosts the directory does not list.
    private string? Connection => Settings switch
    {
        null => null,
        { Transport: HostTransport.Ssh } ssh => $"{ConnectionTest.Describe(ssh)}, sshd subsystem powershell",
        var other => ConnectionTest.Describe(other),
    };

    protected override void OnParametersSet()
    {
        var path = new Uri(Navigation.Uri).AbsolutePath.TrimEnd('/');
        _tab = path.EndsWith("/vms", StringComparison.OrdinalIgnoreCase) ? 1
            : path.EndsWith("/networking", StringComparison.OrdinalIgnoreCase) ? 2
            : 0;
        if (!string.Equals(_host?.Name, Host, StringComparison.OrdinalIgnoreCase))
        {
            OnInventoryChanged();
        }
    }

    protected override void OnInventoryChanged()
    {
        var host = Hosts.FirstOrDefault(h => string.Equals(h.Name, Host, StringComparison.OrdinalIgnoreCase));
        // The grid rebuilds its rows only when it gets a new list: one per inventory change, not per render.
        _gridHosts = host is null ? [] : [host];
        _host = host;
    }

    private string TabHref(int tab) => $"/hosts/{Uri.EscapeDataString(_host?.Name ?? Host)}{TabPaths[tab]}";

    // A tab's click, not MudTabs' ActivePanelIndexChanged: MudTabs also reports index changes while its
    // panels register (prerendering) and unregister (a closing circuit), which would change the URL.
    private void OnTab(int tab)
    {
        if (tab != _tab)
        {
            _tab = tab;
            Navigation.NavigateTo(TabHref(tab));
        }
    }

    private static HostVerdict Verdict(HostInventoryState host) =>
        HostVerdict.For(host.Facts, reachable: host.Status.State is not (HostConnectionState.Unreachable or HostConnectionState.AuthenticationFailed));

    private static IEnumerable<KeyValuePair<ReadinessStatus, int>> ReadinessCounts(HostInventoryState host) => host.Facts is not { } facts
        ? []
        : host.Vms
            .Select(vm => new VmRow(host.Name, facts, vm).Readiness)
            .GroupBy(s => s)
            .OrderByDescending(g => Format.Rank(g.Key))
            .Select(g => KeyValuePair.Create(g.Key, g.Count()));

    private static IEnumerable<(string Name, int Adapters, string Vms)> Switches(HostInventoryState host) => host.Vms
        .SelectMany(vm => vm.NetworkAdapters.Select(a => (Switch: a.SwitchName ?? "(not connected)", Vm: vm.Name)))
        .GroupBy(x => x.Switch, StringComparer.OrdinalIgnoreCase)
        .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
        .Select(g => (g.Key, g.Count(), string.Join(", ", g.Select(x => x.Vm).Distinct())));

    // The host-side watch reads host facts once per connection; a read on demand reaches it (and so the feed) at its next cycle.
    private async Task RefreshFactsAsync()
    {
        if (Lookup.Find(_host?.Name ?? Host) is not { } host)
        {
            return;
        }

        _refreshing = true;
        _refreshError = null;
        try
        {
            await host.GetHostFactsAsync();
        }
        catch (HostOperationException error)
        {
            _refreshError = error.Message;
        }
        finally
        {
            _refreshing = false;
        }
    }

    // The new VM appears in the grid with the feed's next read of the host.
    private async Task NewVmAsync()
    {
        if (_host?.Facts is not { } facts)
        {
            return;
        }

        var switches = _host.Vms.SelectMany(v => v.NetworkAdapters).Select(a => a.SwitchName).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var parameters = new DialogParameters<NewVmDialog>
        {
            { d => d.Host, _host.Name },
            { d => d.Facts, facts },
            { d => d.Switches, switches },
            { d => d.ExistingNames, _host.Vms.Select(v => v.Name).ToList() },
        };
        await Dialogs.ShowAsync<NewVmDialog>("New nested-ready VM", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
    }
}
