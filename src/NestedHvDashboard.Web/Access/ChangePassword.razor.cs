using Microsoft.AspNetCore.Components;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// A signed-in user's own password: a plain server-rendered form (so the sign-in cookie can be issued again with the
/// new security stamp and this session stays signed in). The work is in <see cref="UserAdministration.ChangeOwnPasswordAsync"/>.
/// </summary>
public partial class ChangePassword
{
    private UserChange? _result;

    [Inject]
    public required UserAdministration Administration { get; init; }

    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    /// <summary>The posted form.</summary>
    [SupplyParameterFromForm(FormName = "password")]
    public PasswordForm? Form { get; set; }

    private string UserName => HttpContext.User.Identity?.Name ?? "";

    // The request's principal: after a successful change the renewed cookie, without the claim, comes with the next request.
    private bool MustChange => InitialPassword.MustChange(HttpContext.User);

    protected override void OnInitialized() => Form ??= new PasswordForm();

    private async Task SubmitAsync()
    {
        if (Form is null)
        {
            return;
        }

        if (!string.Equals(Form.New, Form.Confirm, StringComparison.Ordinal))
        {
            _result = UserChange.Refused("The new password and its repetition differ; type the same password twice.");
            return;
        }

        var actor = Actor.From(HttpContext.User, Channels.Browser, HttpContext.Connection.RemoteIpAddress);
        _result = await Administration.ChangeOwnPasswordAsync(actor, Form.Current ?? "", Form.New ?? "", HttpContext, HttpContext.RequestAborted);
    }

    /// <summary>The form's fields.</summary>
    public sealed class PasswordForm
    {
        public string? Current { get; set; }

        public string? New { get; set; }

        public string? Confirm { get; set; }
    }
}
