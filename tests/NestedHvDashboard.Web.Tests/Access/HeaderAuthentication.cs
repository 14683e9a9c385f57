using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>
/// Sign-in for a test host that serves a piece of the app without Identity: the request's headers say who it is
/// (<see cref="UserHeader"/>, <see cref="RoleHeader"/>; no user header is anonymous). The app's own policies decide.
/// </summary>
public sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestHeaders";
    public const string UserHeader = "X-Test-User";
    public const string RoleHeader = "X-Test-Role";

    /// <summary>This scheme as the default, and the dashboard's policies.</summary>
    public static void AddTo(IServiceCollection services)
    {
        services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(SchemeName, null);
        services.AddDashboardPolicies();
    }

    /// <summary>The headers of a user with <paramref name="role"/> (none: signed in without a role).</summary>
    public static IReadOnlyDictionary<string, string> As(string userName, string? role) =>
        role is null
            ? new Dictionary<string, string> { [UserHeader] = userName }
            : new Dictionary<string, string> { [UserHeader] = userName, [RoleHeader] = role };

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers[UserHeader].ToString();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, user) };
        var role = Request.Headers[RoleHeader].ToString();
        if (role.Length > 0)
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
