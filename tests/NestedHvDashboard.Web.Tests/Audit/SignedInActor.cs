using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>What a bUnit test needs for components that ask <see cref="CurrentActor"/> who acts: a signed-in user with a role.</summary>
public static class SignedInActor
{
    /// <summary>Signs <paramref name="name"/> in with <paramref name="role"/> and registers <see cref="CurrentActor"/> and its parts.</summary>
    public static BunitAuthorizationContext AddSignedInActor(this BunitContext context, string name = "olivia", string role = DashboardRoles.Operator)
    {
        ArgumentNullException.ThrowIfNull(context);
        var authorization = context.SignInAs(role, name);
        context.AddActorServices();
        return authorization;
    }

    /// <summary>Registers <see cref="CurrentActor"/> and its parts, for a context already signed in (<see cref="BunitRoles.SignInAs"/>).</summary>
    public static void AddActorServices(this BunitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Services.AddScoped<CircuitClient>();
        context.Services.AddHttpContextAccessor();
        context.Services.AddScoped<CurrentActor>();
    }
}
