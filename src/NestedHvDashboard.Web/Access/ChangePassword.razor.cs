using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// A signed-in user's own password: a plain server-rendered form (so the sign-in cookie can be issued again with the
/// new security stamp and this session stays signed in). The work is in <see cref="UserAdministration.ChangeOwnPasswordAsync"/>.
/// </summary>
public partial class ChangePassword
{
    private const string CurrentField = "Current";
    private const string NewField = "New";
    private const string ConfirmField = "Confirm";
    private readonly Dictionary<string, string> _problems = [];
    private UserChange? _result;

    [Inject]
    public required UserAdministration Administration { get; init; }

    [Inject]
    public required IOptions<IdentityOptions> Identity { get; init; }

    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    /// <summary>The posted form.</summary>
    [SupplyParameterFromForm(FormName = "password")]
    public PasswordForm? Form { get; set; }

    private string UserName => HttpContext.User.Identity?.Name ?? "";

    // The request's principal: after a successful change the renewed cookie, without the claim, comes with the next request.
    private bool MustChange => InitialPassword.MustChange(HttpContext.User);

    private PasswordOptions Rules => Identity.Value.Password;

    protected override void OnInitialized() => Form ??= new PasswordForm();

    private string Invalid(string field) => _problems.ContainsKey(field) ? "nhv-account__input--invalid" : "";

    private string? AriaInvalid(string field) => _problems.ContainsKey(field) ? "true" : null;

    private RenderFragment FieldProblem(string field) => builder =>
    {
        if (_problems.TryGetValue(field, out var problem))
        {
            builder.OpenElement(0, "div");
            builder.AddAttribute(1, "class", "nhv-account__field-error");
            builder.AddAttribute(2, "role", "alert");
            builder.AddAttribute(3, "data-testid", $"password-problem-{field.ToLowerInvariant()}");
            builder.AddContent(4, problem);
            builder.CloseElement();
        }
    };

    private async Task SubmitAsync()
    {
        if (Form is null)
        {
            return;
        }

        // What the form can tell without the database is said under its field, and nothing is sent.
        if (string.IsNullOrEmpty(Form.Current))
        {
            _problems[CurrentField] = "Type your current password.";
        }

        if (UserFormRules.PasswordProblem(Form.New, Rules) is { } rules)
        {
            _problems[NewField] = rules;
        }
        else if (!string.Equals(Form.New, Form.Confirm, StringComparison.Ordinal))
        {
            _problems[ConfirmField] = "The new password and its repetition differ; type the same password twice.";
        }

        if (_problems.Count > 0)
        {
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
