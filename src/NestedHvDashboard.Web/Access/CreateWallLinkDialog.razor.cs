using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Access;

/// <summary>Asks a wall link's name and tag, creates it, then shows the full link once with a copy button.</summary>
public sealed partial class CreateWallLinkDialog : ComponentBase
{
    private const string AllHosts = "";
    private const string NameField = "Name";
    private readonly FormCheck _form = new();

    private string? _name;
    private string _tag = AllHosts;
    private string? _error;
    private bool _busy;
    private WallLinkRow? _made;
    private string? _url;
    private string? _copied;

    [CascadingParameter]
    public required IMudDialogInstance Dialog { get; set; }

    [Inject]
    public required WallLinks Links { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required HostDirectory Directory { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    private IEnumerable<string> Tags =>
        Directory.Settings.SelectMany(s => s.Tags).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase);

    private string? NameProblem => _form.Shown(NameField, WallLinks.NameProblem(_name));

    private void SetName(string? value)
    {
        _form.Edited(NameField);
        _error = null;
        _name = value;
    }

    private async Task CreateAsync()
    {
        _form.Submit();
        if (NameProblem is not null)
        {
            return;
        }

        _busy = true;
        try
        {
            var outcome = await Links.CreateAsync(await Actor.GetAsync(), _name, _tag);
            if (!outcome.Succeeded)
            {
                _error = outcome.Message;
                return;
            }

            _error = null;
            _made = outcome.Link;
            _url = Navigation.ToAbsoluteUri(outcome.Path!).AbsoluteUri;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CopyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", _url);
            _copied = "Copied to the clipboard.";
        }
        catch (JSException)
        {
            _copied = "The browser did not allow copying: select the link and copy it yourself.";
        }
    }
}
