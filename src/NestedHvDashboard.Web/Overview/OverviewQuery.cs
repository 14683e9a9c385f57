namespace NestedHvDashboard.Web.Overview;

/// <summary>How the overview orders its tiles.</summary>
public enum OverviewSort
{
    /// <summary>By host name.</summary>
    Name,

    /// <summary>Hosts that are down first, then the most readiness problems, then by name.</summary>
    Problems,

    /// <summary>Most VMs first, then by name.</summary>
    Vms,
}

/// <summary>
/// The overview's tag filter and sort order, as kept in the query string
/// (<c>?tag=lab&amp;tag=gpu&amp;sort=problems</c>) so a bookmark or a wall screen keeps them.
/// </summary>
/// <param name="Tags">Show hosts with any of these tags; empty shows every host.</param>
/// <param name="Sort">The order.</param>
public sealed record OverviewQuery(IReadOnlyList<string> Tags, OverviewSort Sort)
{
    /// <summary>Every host, by name.</summary>
    public static OverviewQuery Default { get; } = new([], OverviewSort.Name);

    /// <summary>Reads the query string's values; unknown sort names fall back to by-name.</summary>
    public static OverviewQuery Parse(IEnumerable<string>? tags, string? sort) => new(
        [.. (tags ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.OrdinalIgnoreCase)],
        Enum.TryParse<OverviewSort>(sort, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : OverviewSort.Name);

    /// <summary>The sort as the query string spells it, or null for the default.</summary>
    public string? SortParameter => Sort == OverviewSort.Name ? null : Sort.ToString().ToLowerInvariant();

    /// <summary>The tiles this query shows, in its order.</summary>
    public IReadOnlyList<HostTileModel> Apply(IEnumerable<HostTileModel> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        var shown = Tags.Count == 0
            ? tiles
            : tiles.Where(t => t.Tags.Any(tag => Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)));
        var ordered = Sort switch
        {
            OverviewSort.Problems => shown.OrderByDescending(t => t.IsDown).ThenByDescending(t => t.Problems).ThenByDescending(t => t.Warnings),
            OverviewSort.Vms => shown.OrderByDescending(t => t.VmsTotal),
            _ => shown.OrderBy(_ => 0),
        };
        return [.. ordered.ThenBy(t => t.Name, StringComparer.OrdinalIgnoreCase)];
    }
}
