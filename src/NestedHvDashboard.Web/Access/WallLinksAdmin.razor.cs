using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace NestedHvDashboard.Web.Access;

/// <summary>Administrators list, create and revoke the read-only links that wall screens open.</summary>
public sealed partial class WallLinksAdmin : ComponentBase
{
    private IReadOnlyList<WallLinkRow> _links = [];
    private Notice? _notice;

    [Inject]
    public required WallLinks Links { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    protected override async Task OnInitializedAsync() => _links = await Links.ListAsync();

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateWallLinkDialog>(
            "New wall link", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = false, BackdropClick = false });
        if (await dialog.Result is { Canceled: false, Data: WallLinkRow made })
        {
            _notice = new Notice(Severity.Success, $"Wall link '{made.Name}' created.");
        }

        _links = await Links.ListAsync();
    }

    private async Task RevokeAsync(WallLinkRow link)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Revoke wall link",
            $"Revoke '{link.Name}' ({link.Prefix}…)? Screens showing the wall through it go to the sign-in page within a minute. This cannot be undone.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var outcome = await Links.RevokeAsync(await Actor.GetAsync(), link.Id);
        _notice = new Notice(outcome.Succeeded ? Severity.Success : Severity.Error, outcome.Message);
        _links = await Links.ListAsync();
    }

    private static string Local(DateTime utc) => utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private sealed record Notice(Severity Severity, string Text);
}
