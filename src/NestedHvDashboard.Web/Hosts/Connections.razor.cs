using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// The hosts the dashboard talks to, with their live status: add, edit and remove the ones kept in
/// the data folder; those from configuration and the simulated lab are shown read-only.
/// </summary>
public sealed partial class Connections : LiveInventoryComponent
{
    private static readonly DialogOptions FormOptions = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true };

    private Notice? _notice;

    [Inject]
    public required HostAdministration Administration { get; init; }

    [Inject]
    public required NestedHvDashboard.Web.Access.CurrentActor Actor { get; init; }

    [Inject]
    public required HostDirectory Directory { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    // Read at each render: the feed re-renders the page whenever a host comes, goes or changes.
    private IReadOnlyList<DirectoryHost> Rows => Directory.Hosts;

    private List<string> HostNames() => [.. Rows.Select(r => r.Name)];

    private HostStatus? StatusOf(string name) =>
        Hosts.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Status;

    private async Task AddAsync()
    {
        var parameters = new DialogParameters<HostConnectionDialog> { { d => d.Form, new HostForm() }, { d => d.HostNames, HostNames() } };
        var dialog = await Dialogs.ShowAsync<HostConnectionDialog>("Add host", parameters, FormOptions);
        if (await dialog.Result is { Canceled: false, Data: string name })
        {
            _notice = new Notice(Severity.Success, $"Host '{name}' added: it is being watched now.");
        }
    }

    private async Task EditAsync(string name)
    {
        if (Directory.EditFormFor(name) is not { } form)
        {
            return;
        }

        var parameters = new DialogParameters<HostConnectionDialog> { { d => d.Form, form }, { d => d.Editing, name }, { d => d.HostNames, HostNames() } };
        var dialog = await Dialogs.ShowAsync<HostConnectionDialog>("Edit host", parameters, FormOptions);
        if (await dialog.Result is { Canceled: false, Data: string saved })
        {
            _notice = new Notice(Severity.Success, $"Host '{saved}' saved: reconnecting with the new settings.");
        }
    }

    private async Task RemoveAsync(string name)
    {
        var parameters = new DialogParameters<RemoveHostDialog> { { d => d.Name, name } };
        var dialog = await Dialogs.ShowAsync<RemoveHostDialog>("Remove host", parameters);
        if (await dialog.Result is not { Canceled: false })
        {
            return;
        }

        var result = await Administration.RemoveAsync(await Actor.GetAsync(), name);
        _notice = new Notice(result.Succeeded ? Severity.Success : Severity.Error, result.Message);
    }

    private static string TransportOf(HostConnectionSettings settings) => settings.Transport switch
    {
        HostTransport.WinRm => settings.UseHttps ? "WinRM (HTTPS)" : "WinRM",
        HostTransport.Ssh => "SSH",
        _ => "in-process",
    };

    private static string PortOf(HostConnectionSettings settings) => settings.Transport switch
    {
        HostTransport.InProcess => "—",
        _ when settings.Port is { } port => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        HostTransport.Ssh => "22",
        _ => settings.UseHttps ? "5986" : "5985",
    };

    private static string SourceOf(HostSource source) => source switch
    {
        HostSource.Configuration => "from configuration",
        HostSource.Stored => "added here",
        _ => "simulated",
    };

    private static Color ColorOf(HostConnectionState state) => state switch
    {
        HostConnectionState.Connected => Color.Success,
        HostConnectionState.Connecting => Color.Info,
        _ => Color.Error,
    };

    private sealed record Notice(Severity Severity, string Text);
}
