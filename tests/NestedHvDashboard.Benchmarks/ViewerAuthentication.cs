extern alias Web;

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Web::NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// The streaming server's clients are signed in as a Viewer without a sign-in round trip: the hub's authorization
/// (the View policy) runs as in the app, the cookie/token lookup does not (it happens once per connection there).
/// </summary>
internal sealed class ViewerAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "BenchmarkViewer";

    public static void AddTo(IServiceCollection services)
    {
        services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, ViewerAuthentication>(SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(DashboardPolicies.View, p => p.RequireRole(DashboardRoles.All.ToArray()));
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench"), new Claim(ClaimTypes.Role, DashboardRoles.Viewer)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
