namespace NestedHvDashboard.Web.Access;

/// <summary>
/// Which dashboard role an external user gets from what the identity provider says about them (OpenID Connect role or
/// group claim values, Windows group names): the highest role any of their values is mapped to, else the default role.
/// </summary>
/// <param name="Administrator">Values that make an Administrator.</param>
/// <param name="Operator">Values that make an Operator.</param>
/// <param name="Viewer">Values that make a Viewer.</param>
/// <param name="DefaultRole">The role of a user none of whose values is mapped; null for none (signed in, but no access).</param>
public sealed record ExternalRoleMapping(
    IReadOnlyCollection<string> Administrator,
    IReadOnlyCollection<string> Operator,
    IReadOnlyCollection<string> Viewer,
    string? DefaultRole)
{
    /// <summary>The mapping of validated options (a default role that is no role is refused by <see cref="ValidateExternalSignInOptions"/>).</summary>
    public static ExternalRoleMapping From(ExternalRoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? defaultRole = null;
        if (!string.IsNullOrWhiteSpace(options.DefaultRole))
        {
            defaultRole = RoleNamed(options.DefaultRole)
                ?? throw new InvalidOperationException($"The default role '{options.DefaultRole}' is not a role: use {string.Join(", ", DashboardRoles.All)}.");
        }

        return new ExternalRoleMapping(Values(options.Roles.Administrator), Values(options.Roles.Operator), Values(options.Roles.Viewer), defaultRole);
    }

    /// <summary>The dashboard role <paramref name="name"/> names (ignoring case and surrounding spaces), or null.</summary>
    public static string? RoleNamed(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return DashboardRoles.All.FirstOrDefault(r => string.Equals(r, name.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every value the mapping names (e.g. the Windows groups to look up).</summary>
    public IEnumerable<string> AllValues => Administrator.Concat(Operator).Concat(Viewer);

    /// <summary>The role for these claim values or group names (compared ignoring case and surrounding spaces).</summary>
    public string? RoleFor(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var held = values.Select(v => v.Trim()).Where(v => v.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Administrator.Any(held.Contains) ? DashboardRoles.Administrator
            : Operator.Any(held.Contains) ? DashboardRoles.Operator
            : Viewer.Any(held.Contains) ? DashboardRoles.Viewer
            : DefaultRole;
    }

    private static string[] Values(string? setting) =>
        (setting ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
