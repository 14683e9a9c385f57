namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>A column of the VM grid the user can show or hide: its stable key (stored in the browser) and its title.</summary>
/// <param name="Key">The key stored in the browser's choice, e.g. "mac".</param>
/// <param name="Title">The column's title, as the chooser lists it.</param>
/// <param name="MinWidth">The narrowest window (CSS pixels) where it is shown by default; 0 for every width.</param>
/// <param name="HostOnly">True when it exists only in the all-VMs view (the Host column).</param>
public sealed record VmGridColumnOption(string Key, string Title, int MinWidth, bool HostOnly = false);

/// <summary>
/// Which optional columns the VM grid shows. The VM name and the tick box always show. Without a stored choice the
/// defaults follow the window's width, so a 1366-pixel laptop sees Nested, MAC spoofing and Readiness without
/// scrolling sideways; a choice the user makes is kept in the browser (js/vmcolumns.js) and wins over the defaults.
/// </summary>
public static class VmGridColumns
{
    /// <summary>Key of the Host column (all-VMs view only).</summary>
    public const string Host = "host";

    /// <summary>Key of the State column.</summary>
    public const string State = "state";

    /// <summary>Key of the Uptime column.</summary>
    public const string Uptime = "uptime";

    /// <summary>Key of the CPU column.</summary>
    public const string Cpu = "cpu";

    /// <summary>Key of the Memory column.</summary>
    public const string Memory = "memory";

    /// <summary>Key of the Config version column.</summary>
    public const string ConfigVersion = "config";

    /// <summary>Key of the vCPUs column.</summary>
    public const string Vcpus = "vcpus";

    /// <summary>Key of the Nested column.</summary>
    public const string Nested = "nested";

    /// <summary>Key of the MAC spoofing column.</summary>
    public const string MacSpoofing = "mac";

    /// <summary>Key of the Readiness column.</summary>
    public const string Readiness = "readiness";

    /// <summary>Key of the Blocking reason column (every failing check, without hovering).</summary>
    public const string BlockingReason = "blocking";

    /// <summary>
    /// Every optional column in the grid's order. A new column adds its entry here and reads
    /// <c>Hidden="@(!Shows(key))"</c>; the chooser and the stored choice follow.
    /// </summary>
    public static IReadOnlyList<VmGridColumnOption> All { get; } =
    [
        new(Host, "Host", 0, HostOnly: true),
        new(State, "State", 0),
        new(Uptime, "Uptime", 1700),
        new(Cpu, "CPU", 1200),
        new(Memory, "Memory", 1200),
        new(ConfigVersion, "Config version", 1700),
        new(Vcpus, "vCPUs", 1500),
        new(Nested, "Nested", 0),
        new(MacSpoofing, "MAC spoofing", 0),
        new(Readiness, "Readiness", 0),
        new(BlockingReason, "Blocking reason", 1500),
    ];

    /// <summary>The columns the chooser offers in this view.</summary>
    public static IEnumerable<VmGridColumnOption> Offered(bool showHost) => All.Where(c => showHost || !c.HostOnly);

    /// <summary>The columns shown by default in a window <paramref name="width"/> CSS pixels wide.</summary>
    public static IReadOnlySet<string> DefaultsFor(int width) =>
        All.Where(c => width >= c.MinWidth).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The stored choice (keys separated by commas) if there is one, else the defaults for the width. Unknown keys (a
    /// column that no longer exists) are dropped; a column added since the choice was stored shows if its default would.
    /// </summary>
    public static IReadOnlySet<string> Resolve(string? stored, int width)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return DefaultsFor(width);
        }

        var parts = stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var chosen = parts.Where(k => k.StartsWith('-') is false && All.Any(c => c.Key == k)).ToHashSet(StringComparer.Ordinal);
        var known = parts.Select(k => k.TrimStart('-')).ToHashSet(StringComparer.Ordinal);
        foreach (var added in DefaultsFor(width).Where(k => !known.Contains(k)))
        {
            chosen.Add(added);
        }

        return chosen;
    }

    /// <summary>
    /// The choice as stored: every offered column, shown ones as their key and hidden ones as "-key", so a column added
    /// later is told apart from one the user hid.
    /// </summary>
    public static string Store(IReadOnlySet<string> shown)
    {
        ArgumentNullException.ThrowIfNull(shown);
        return string.Join(',', All.Select(c => shown.Contains(c.Key) ? c.Key : "-" + c.Key));
    }
}
