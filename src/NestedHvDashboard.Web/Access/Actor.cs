using System.Net;
using System.Security.Claims;

namespace NestedHvDashboard.Web.Access;

/// <summary>How a change reached the dashboard.</summary>
public static class Channels
{
    public const string Browser = "Browser";
    public const string Api = "API";
    public const string Hub = "Hub";
    public const string System = "System";
}

/// <summary>
/// Who asks for a change, with what role, through what and from where. Every change method of a service takes
/// one, checks its role itself (hiding a button is not the guard) and writes it into the audit trail.
/// </summary>
/// <param name="Name">The user name ("system" for the app's own work).</param>
/// <param name="Role">The highest role (<see cref="DashboardRoles"/>), or null for none.</param>
/// <param name="Channel">A <see cref="Channels"/> value.</param>
/// <param name="RemoteAddress">The client's IP address, when known.</param>
public sealed record Actor(string Name, string? Role, string Channel, string? RemoteAddress)
{
    /// <summary>The app itself (e.g. a change applied at the VM's next shutdown, asked for earlier by someone).</summary>
    public static Actor System { get; } = new("system", DashboardRoles.Administrator, Channels.System, null);

    /// <summary>Viewer and up.</summary>
    public bool CanView => Role is not null;

    /// <summary>Operator and up: nested and network changes, bulk runs.</summary>
    public bool CanOperate => Role is DashboardRoles.Operator or DashboardRoles.Administrator;

    /// <summary>Administrator: hosts, credentials, users.</summary>
    public bool CanAdminister => Role is DashboardRoles.Administrator;

    /// <summary>The actor a signed-in principal is; anonymous or role-less principals get a null role.</summary>
    public static Actor From(ClaimsPrincipal user, string channel, IPAddress? address) =>
        From(user, channel, address?.ToString());

    /// <inheritdoc cref="From(ClaimsPrincipal, string, IPAddress?)"/>
    public static Actor From(ClaimsPrincipal user, string channel, string? address)
    {
        ArgumentNullException.ThrowIfNull(user);
        var authenticated = user.Identity?.IsAuthenticated == true;
        var name = authenticated ? user.Identity!.Name ?? "unknown" : "anonymous";
        var role = authenticated ? DashboardRoles.Highest(user.FindAll(ClaimTypes.Role).Select(c => c.Value)) : null;
        return new Actor(name, role, channel, address);
    }

    /// <summary>The sentence a refused actor sees, naming what was refused and the role it needs.</summary>
    public string Refusal(string what, string neededRole) =>
        $"{what} needs the {neededRole} role; {Name} is {(Role is null ? "signed in without a role" : $"a {Role}")}. Nothing was changed.";
}
