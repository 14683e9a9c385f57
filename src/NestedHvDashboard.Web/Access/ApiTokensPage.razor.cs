using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.Access;

/// <summary>The signed-in user's personal access tokens (an administrator's list holds everyone's): create one (shown once), revoke one.</summary>
public sealed partial class ApiTokensPage : ComponentBase
{
    private const string NameField = "Name";
    private const string DaysField = "Days";
    private readonly FormCheck _form = new();
    private IReadOnlyList<ApiTokenInfo> _tokens = [];
    private string? _name;
    private int _expiryDays = 90;
    private bool _neverExpires;
    private string? _error;
    private CreatedApiToken? _created;
    private bool _showCreated;
    private bool _copied;
    private bool _showOwner;

    [Inject]
    public required ApiTokens Tokens { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private string? NameProblem => _form.Shown(NameField, ApiTokens.NameProblem(_name));

    private string? DaysProblem => _neverExpires ? null : _form.Shown(DaysField, ApiTokens.ExpiryProblem(_expiryDays));

    private void Edit(string field, Action set)
    {
        _form.Edited(field);
        _error = null;
        set();
    }

    // What the days mean, as a date: "Stops working on 2027-03-05 (UTC)".
    private string ExpiryText => _neverExpires
        ? "Works until it is revoked"
        : _expiryDays is >= 1 and <= ApiTokens.MaxExpiryDays
            ? $"Stops working on {DateTime.UtcNow.AddDays(_expiryDays).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} (UTC)"
            : $"1 to {ApiTokens.MaxExpiryDays} days";

    private async Task LoadAsync()
    {
        var actor = await Actor.GetAsync();
        _showOwner = actor.CanAdminister;
        _tokens = await Tokens.ListAsync(actor);
    }

    private async Task CreateAsync()
    {
        // Pressing Create with problems shows each under its field (the same checks the service makes), and nothing is sent.
        _form.Submit();
        if (NameProblem is not null || DaysProblem is not null)
        {
            return;
        }

        var (created, error) = await Tokens.CreateAsync(await Actor.GetAsync(), _name, _neverExpires ? null : _expiryDays);
        _error = error;
        if (created is not null)
        {
            _created = created;
            _copied = false;
            _showCreated = true;
            _name = null;
            _form.Reset();
            await LoadAsync();
        }
    }

    private async Task CopyAsync()
    {
        if (_created is { } created)
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", created.Token);
            _copied = true;
        }
    }

    // The token leaves the page's memory once its dialog closes: it is never shown again.
    private void CloseCreated()
    {
        _showCreated = false;
        _created = null;
    }

    private async Task RevokeAsync(ApiTokenInfo token)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Revoke API token",
            $"Revoke token '{token.Name}' ({token.Prefix}…) of {token.Owner}? Scripts using it get 401 from the next request on.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var (_, error) = await Tokens.RevokeAsync(await Actor.GetAsync(), token.Id);
        _error = error;
        await LoadAsync();
    }

    private static string When(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
