using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// The circuit's user, checked again every minute: a user deleted, locked out or whose password or role changed
/// (security stamp) is signed out of an open page too, and a revoked wall link stops its wall.
/// </summary>
public sealed class DashboardAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <inheritdoc />
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        await using var scope = scopes.CreateAsyncScope();
        var principal = authenticationState.User;
        foreach (var validator in scope.ServiceProvider.GetServices<IPrincipalValidator>())
        {
            if (validator.Handles(principal))
            {
                return await validator.IsStillValidAsync(principal, cancellationToken).ConfigureAwait(false);
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = await users.GetUserAsync(principal).ConfigureAwait(false);
        if (user is null || await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            return false;
        }

        if (!users.SupportsUserSecurityStamp)
        {
            return true;
        }

        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user).ConfigureAwait(false);
    }
}

/// <summary>Checks a kind of principal that is not a local user (a wall link, say) for <see cref="DashboardAuthenticationStateProvider"/>.</summary>
public interface IPrincipalValidator
{
    /// <summary>True when this validator knows the principal's kind.</summary>
    bool Handles(ClaimsPrincipal principal);

    /// <summary>False when the principal must lose access now.</summary>
    Task<bool> IsStillValidAsync(ClaimsPrincipal principal, CancellationToken cancellationToken);
}
