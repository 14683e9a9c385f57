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
    /// <summary>
    /// Reads <c>{section}:Roles:Administrator</c>, <c>:Operator</c>, <c>:Viewer</c> (comma-separated values) and
    /// <c>{section}:DefaultRole</c>; a default role that is not a dashboard role is refused with the setting's name.
    /// </summary>
    public static ExternalRoleMapping FromConfiguration(IConfiguration configuration, string section)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaultSetting = $"{section}:DefaultRole";
        var configuredDefault = configuration[defaultSetting];
        string? defaultRole = null;
        if (!string.IsNullOrWhiteSpace(configuredDefault))
        {
            defaultRole = DashboardRoles.All.FirstOrDefault(r => string.Equals(r, configuredDefault.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException(
                    $"{defaultSetting} is '{configuredDefault}', which is not a role: use {string.Join(", ", DashboardRoles.All)}, or leave it empty for no access.");
        }

        return new ExternalRoleMapping(
            Values(configuration[$"{section}:Roles:{DashboardRoles.Administrator}"]),
            Values(configuration[$"{section}:Roles:{DashboardRoles.Operator}"]),
            Values(configuration[$"{section}:Roles:{DashboardRoles.Viewer}"]),
            defaultRole);
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
