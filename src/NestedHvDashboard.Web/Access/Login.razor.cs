using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;

namespace NestedHvDashboard.Web.Access;

/// <summary>The sign-in page: a plain form posted to <c>/account/sign-in</c>; errors come back in the query string.</summary>
public partial class Login
{
    [Inject]
    public required IAuthenticationSchemeProvider Schemes { get; init; }

    /// <summary>Where to go after signing in (a local path).</summary>
    [SupplyParameterFromQuery(Name = "ReturnUrl")]
    public string? ReturnUrlQuery { get; set; }

    /// <summary>Why the last attempt failed: missing, invalid, locked.</summary>
    [SupplyParameterFromQuery(Name = "error")]
    public string? Error { get; set; }

    /// <summary>The user name typed last time.</summary>
    [SupplyParameterFromQuery(Name = "user")]
    public string? User { get; set; }

    private string ReturnUrl => AccountEndpoints.LocalOrRoot(ReturnUrlQuery);

    private IReadOnlyList<AuthenticationScheme> ExternalProviders { get; set; } = [];

    private string? ErrorText => Error switch
    {
        "missing" => "Type a user name and a password.",
        "invalid" => "The user name or password is wrong.",
        "locked" => "This account is locked after repeated failed sign-ins. Try again later, or ask an administrator to unlock it.",
        "external" => "Signing in with the external provider failed. Try again, or sign in with a local account.",
        null or "" => null,
        _ => "Sign-in failed.",
    };

    protected override async Task OnInitializedAsync()
    {
        ExternalProviders = await ExternalSignIn.ProvidersAsync(Schemes);
    }
}
