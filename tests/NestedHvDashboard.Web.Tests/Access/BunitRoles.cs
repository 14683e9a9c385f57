using Bunit;
using Bunit.TestDoubles;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>Signs a bUnit context in as a user with a role, for components that show or hide what the role may do.</summary>
public static class BunitRoles
{
    /// <summary>
    /// Adds bUnit's authorization and signs in as <paramref name="userName"/> with <paramref name="role"/> (see <see cref="As"/>).
    /// </summary>
    public static BunitAuthorizationContext SignInAs(this BunitContext context, string? role, string userName = "tester")
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.AddAuthorization().As(role, userName);
    }

    /// <summary>
    /// The user <paramref name="userName"/> with <paramref name="role"/> (null: signed in without one): the role claim, and
    /// the dashboard policies it meets, by the same rules as <see cref="Actor"/> (which the services check).
    /// </summary>
    public static BunitAuthorizationContext As(this BunitAuthorizationContext authorization, string? role, string userName = "tester")
    {
        ArgumentNullException.ThrowIfNull(authorization);
        authorization.SetAuthorized(userName);
        var actor = new Actor(userName, role, Channels.Browser, null);
        authorization.SetRoles(role is null ? [] : [role]);

        var policies = new List<string>();
        if (actor.CanView)
        {
            policies.AddRange([DashboardPolicies.View, DashboardPolicies.Wall]);
        }

        if (actor.CanOperate)
        {
            policies.Add(DashboardPolicies.Operate);
        }

        if (actor.CanAdminister)
        {
            policies.Add(DashboardPolicies.Administer);
        }

        authorization.SetPolicies([.. policies]);
        return authorization;
    }
}
