using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Overview;

/// <summary>A tag and the hosts that carry it, as the navigation groups them.</summary>
/// <param name="Tag">The tag, or <see cref="HostTags.Untagged"/>.</param>
/// <param name="Hosts">Host names, in configuration order.</param>
public sealed record TagGroup(string Tag, IReadOnlyList<string> Hosts);

/// <summary>The hosts' tags from their settings: for tiles, the tag filter and the navigation.</summary>
public static class HostTags
{
    /// <summary>The group name for hosts without a tag.</summary>
    public const string Untagged = "untagged";

    /// <summary>The tags of the host with that name (case-insensitive); empty when it has none or is unknown.</summary>
    public static IReadOnlyList<string> TagsOf(this IReadOnlyList<HostConnectionSettings> settings, string host) =>
        settings.FirstOrDefault(s => string.Equals(s.Name, host, StringComparison.OrdinalIgnoreCase))?.Tags ?? [];

    /// <summary>Every tag any host has, sorted.</summary>
    public static IReadOnlyList<string> AllTags(this IReadOnlyList<HostConnectionSettings> settings) =>
        [.. settings.SelectMany(s => s.Tags).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Hosts grouped by tag (a host with two tags is in both), then the untagged ones.</summary>
    public static IReadOnlyList<TagGroup> ByTag(this IReadOnlyList<HostConnectionSettings> settings)
    {
        List<TagGroup> groups = [.. settings.AllTags().Select(tag => new TagGroup(tag,
            [.. settings.Where(s => s.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)).Select(s => s.Name)]))];
        var untagged = settings.Where(s => s.Tags.Count == 0).Select(s => s.Name).ToList();
        if (untagged.Count > 0)
        {
            groups.Add(new TagGroup(Untagged, untagged));
        }

        return groups;
    }

    /// <summary>The tags of <paramref name="host"/> in this directory.</summary>
    public static IReadOnlyList<string> TagsOf(this HostDirectory directory, string host)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return directory.Settings.TagsOf(host);
    }
}
