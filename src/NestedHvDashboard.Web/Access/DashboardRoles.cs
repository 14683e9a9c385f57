namespace NestedHvDashboard.Web.Access;

/// <summary>The three roles. Each includes what the one before it may do.</summary>
public static class DashboardRoles
{
    /// <summary>Sees everything, changes nothing.</summary>
    public const string Viewer = "Viewer";

    /// <summary>Nested virtualization and network changes, bulk runs.</summary>
    public const string Operator = "Operator";

    /// <summary>Hosts, credentials, users, tokens and wall links.</summary>
    public const string Administrator = "Administrator";

    /// <summary>Every role, lowest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Viewer, Operator, Administrator];

    /// <summary>The role a user's role names amount to (the highest), or null for none.</summary>
    public static string? Highest(IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var set = roles.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return set.Contains(Administrator) ? Administrator : set.Contains(Operator) ? Operator : set.Contains(Viewer) ? Viewer : null;
    }
}

/// <summary>The authorization policies, by name. Pages, endpoints and the hub name these; services check the <see cref="Actor"/> too.</summary>
public static class DashboardPolicies
{
    /// <summary>Any signed-in user with a role (Viewer and up).</summary>
    public const string View = "View";

    /// <summary>Operator or Administrator.</summary>
    public const string Operate = "Operate";

    /// <summary>Administrator.</summary>
    public const string Administer = "Administer";

    /// <summary>The wall: Viewer and up, or a wall link.</summary>
    public const string Wall = "Wall";
}
