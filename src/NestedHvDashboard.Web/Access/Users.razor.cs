using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// The users page: who can sign in, with what role. The work and its checks are in <see cref="UserAdministration"/>; the
/// fields are checked as typed (<see cref="UserFormRules"/>), and every problem shows when Create or Set password is pressed.
/// </summary>
public sealed partial class Users : ComponentBase
{
    private readonly FormCheck _create = new();
    private readonly FormCheck _reset = new();
    private IReadOnlyList<UserRow>? _rows;
    private UserChange? _result;
    private bool _busy;
    private string? _newName;
    private string _newRole = DashboardRoles.Viewer;
    private string? _newPassword;
    private string? _resetFor;
    private string? _resetPassword;
    private string? _deleteFor;

    [Inject]
    public required UserAdministration Administration { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required IOptions<IdentityOptions> Identity { get; init; }

    private string? NameProblem =>
        _create.Shown(UserFormRules.UserName, UserFormRules.NameProblem(_newName, Identity.Value.User, _rows?.Select(r => r.UserName) ?? []));

    private string? PasswordProblem => _create.Shown(UserFormRules.Password, UserFormRules.PasswordProblem(_newPassword, Identity.Value.Password));

    private string? ResetProblem => _reset.Shown(UserFormRules.ResetPassword, UserFormRules.PasswordProblem(_resetPassword, Identity.Value.Password));

    protected override Task OnInitializedAsync() => LoadAsync();

    private static void Edit(FormCheck form, string field, Action set)
    {
        form.Edited(field);
        set();
    }

    private async Task LoadAsync()
    {
        var actor = await Actor.GetAsync();
        _rows = await Administration.ListAsync(actor) ?? [];
    }

    private async Task CreateAsync()
    {
        // Never a silently greyed button: pressing Create with problems shows each under its field, and nothing is sent.
        _create.Submit();
        if (NameProblem is not null || PasswordProblem is not null)
        {
            return;
        }

        await RunAsync(actor => Administration.CreateAsync(actor, _newName ?? "", _newRole, _newPassword ?? ""));
        if (_result?.Succeeded == true)
        {
            _newName = null;
            _newPassword = null;
            _create.Reset();
        }
    }

    private Task ChangeRoleAsync(string userName, string role) => RunAsync(actor => Administration.ChangeRoleAsync(actor, userName, role));

    private Task UnlockAsync(string userName) => RunAsync(actor => Administration.UnlockAsync(actor, userName));

    private void AskReset(string userName)
    {
        _deleteFor = null;
        _resetFor = userName;
        _resetPassword = null;
        _reset.Reset();
    }

    private async Task ResetAsync()
    {
        _reset.Submit();
        if (ResetProblem is not null)
        {
            return;
        }

        var userName = _resetFor ?? "";
        await RunAsync(actor => Administration.ResetPasswordAsync(actor, userName, _resetPassword ?? ""));
        if (_result?.Succeeded == true)
        {
            _resetFor = null;
            _resetPassword = null;
        }
    }

    private void AskDelete(string userName)
    {
        _resetFor = null;
        _deleteFor = userName;
    }

    private async Task DeleteAsync()
    {
        var userName = _deleteFor ?? "";
        _deleteFor = null;
        await RunAsync(actor => Administration.DeleteAsync(actor, userName));
    }

    // One change at a time; the list is read again after each, so it shows what the database holds.
    private async Task RunAsync(Func<Actor, Task<UserChange>> change)
    {
        if (_busy)
        {
            return;
        }

        _busy = true;
        try
        {
            var actor = await Actor.GetAsync();
            _result = await change(actor);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
