using System.Globalization;

namespace NestedHvDashboard.Core.Blueprints;

/// <summary>
/// Turns a file's nodes into a <see cref="Blueprint"/>, naming every problem by path and line: an unknown key (with the keys
/// allowed there), a value of the wrong type, a required one missing. Remembers each path's line, so problems found later
/// (shape validation) can name the line too.
/// </summary>
internal sealed class BlueprintReader
{
    /// <summary>The keys of the blueprint itself, in the order they are written.</summary>
    public static readonly string[] BlueprintKeys = ["name", "description", "connectivityProbe", "l1s"];

    /// <summary>The keys of an L1.</summary>
    public static readonly string[] L1Keys = ["name", "host", "processorCount", "memory", "configurationVersion", "osImagePath", "switchName", "network", "l2s"];

    /// <summary>The keys of an L1's network.</summary>
    public static readonly string[] NetworkKeys = ["kind", "switchName", "natPrefix", "gateway", "dnsServer"];

    /// <summary>The keys of an L2.</summary>
    public static readonly string[] L2Keys = ["name", "processorCount", "memory", "osImagePath", "ipAddress", "prefixLength"];

    /// <summary>The words network.kind accepts, as written.</summary>
    public static readonly string[] KindWords = ["nat", "externalSwitch"];

    private readonly List<BlueprintProblem> _problems = [];

    /// <summary>Every path read (and "" for the root) with its line.</summary>
    public Dictionary<string, int> Lines { get; } = new(StringComparer.Ordinal);

    /// <summary>What was wrong.</summary>
    public IReadOnlyList<BlueprintProblem> Problems => _problems;

    /// <summary>The blueprint, or null when a problem kept it from being read.</summary>
    public Blueprint? Read(BlueprintNode? root)
    {
        if (root is not MapNode map)
        {
            Problem("", root is null ? "The blueprint is empty: write at least its name and its l1s." : "A blueprint is a mapping (an object) with name, description, connectivityProbe and l1s.", root?.Line ?? 1);
            return null;
        }

        Lines[""] = map.Line;
        var fields = Fields(map, "", BlueprintKeys);
        var name = String(fields, "", "name", required: true);
        var description = String(fields, "", "description", required: false);
        var probe = String(fields, "", "connectivityProbe", required: false);
        var l1s = List(fields, "", "l1s", required: true, ReadL1);
        return _problems.Count == 0 && name is not null && l1s is not null ? new Blueprint(name, description, l1s, probe) : null;
    }

    private BlueprintL1? ReadL1(BlueprintNode node, string path)
    {
        if (Map(node, path, "an L1 (a mapping with name, host, processorCount, memory, switchName, network and l2s)") is not { } fields)
        {
            return null;
        }

        var name = String(fields, path, "name", required: true);
        var host = String(fields, path, "host", required: true);
        var processors = Integer(fields, path, "processorCount", required: true);
        var memory = Memory(fields, path, "memory");
        var version = String(fields, path, "configurationVersion", required: false);
        var image = String(fields, path, "osImagePath", required: false);
        var switchName = String(fields, path, "switchName", required: true);
        var network = fields.TryGetValue("network", out var networkEntry) ? ReadNetwork(networkEntry.Value, $"{path}.network") : Missing<BlueprintNetwork>(path, "network", fields);
        var l2s = List(fields, path, "l2s", required: false, ReadL2) ?? [];
        return name is null || host is null || processors is null || memory is null || switchName is null || network is null
            ? null
            : new BlueprintL1(name, host, processors.Value, memory.Value, version, image, switchName, network, l2s);
    }

    private BlueprintNetwork? ReadNetwork(BlueprintNode node, string path)
    {
        if (Map(node, path, "the L1's network (a mapping with kind, switchName, natPrefix, gateway and dnsServer)") is not { } fields)
        {
            return null;
        }

        BlueprintNetworking? kind = null;
        var kindText = String(fields, path, "kind", required: true);
        if (kindText is not null)
        {
            kind = kindText.Equals("nat", StringComparison.OrdinalIgnoreCase) ? BlueprintNetworking.Nat
                : kindText.Equals("externalSwitch", StringComparison.OrdinalIgnoreCase) ? BlueprintNetworking.ExternalSwitch
                : null;
            if (kind is null)
            {
                Problem($"{path}.kind", $"'{kindText}' is not a networking option: write nat (an internal switch and NAT inside the L1) or externalSwitch (MAC spoofing and an external switch inside the L1).", fields["kind"].Line);
            }
        }

        var switchName = String(fields, path, "switchName", required: true);
        var prefix = String(fields, path, "natPrefix", required: false);
        var gateway = String(fields, path, "gateway", required: false);
        var dns = String(fields, path, "dnsServer", required: false);
        return kind is null || switchName is null ? null : new BlueprintNetwork(kind.Value, switchName, prefix, gateway, dns);
    }

    private BlueprintL2? ReadL2(BlueprintNode node, string path)
    {
        if (Map(node, path, "an L2 (a mapping with name, processorCount, memory, osImagePath, ipAddress and prefixLength)") is not { } fields)
        {
            return null;
        }

        var name = String(fields, path, "name", required: true);
        var processors = Integer(fields, path, "processorCount", required: true);
        var memory = Memory(fields, path, "memory");
        var image = String(fields, path, "osImagePath", required: false);
        var address = String(fields, path, "ipAddress", required: false);
        var prefixLength = Integer(fields, path, "prefixLength", required: false);
        return name is null || processors is null || memory is null ? null : new BlueprintL2(name, processors.Value, memory.Value, image, address, prefixLength);
    }

    private Dictionary<string, MapEntry>? Map(BlueprintNode node, string path, string what)
    {
        Lines[path] = node.Line;
        if (node is MapNode map)
        {
            return Fields(map, path, KeysAt(path));
        }

        Problem(path, $"Expected {what}; found {Describe(node)}.", node.Line);
        return null;
    }

    private static string[] KeysAt(string path) =>
        path.EndsWith(".network", StringComparison.Ordinal) ? NetworkKeys : path.EndsWith(']') && path.Contains(".l2s[", StringComparison.Ordinal) ? L2Keys : L1Keys;

    private Dictionary<string, MapEntry> Fields(MapNode map, string path, string[] allowed)
    {
        var fields = new Dictionary<string, MapEntry>(StringComparer.Ordinal);
        foreach (var entry in map.Entries)
        {
            var at = Join(path, entry.Key);
            Lines[at] = entry.Line;
            var known = allowed.FirstOrDefault(k => string.Equals(k, entry.Key, StringComparison.Ordinal));
            if (known is null)
            {
                var near = allowed.FirstOrDefault(k => string.Equals(k, entry.Key, StringComparison.OrdinalIgnoreCase));
                Problem(at, near is not null
                    ? $"Unknown key '{entry.Key}': keys are case-sensitive; write '{near}'."
                    : $"Unknown key '{entry.Key}'; the keys allowed here are {string.Join(", ", allowed)}.", entry.Line);
                continue;
            }

            fields[known] = entry;
        }

        return fields;
    }

    private T? Missing<T>(string path, string key, Dictionary<string, MapEntry> fields)
        where T : class
    {
        _ = fields;
        Problem(Join(path, key), $"'{key}' is required.", Lines.GetValueOrDefault(path, 1));
        return null;
    }

    private string? String(Dictionary<string, MapEntry> fields, string path, string key, bool required)
    {
        if (!fields.TryGetValue(key, out var entry) || entry.Value is ScalarNode { Kind: ScalarKind.Null })
        {
            return required ? Missing<string>(path, key, fields) : null;
        }

        if (entry.Value is ScalarNode { Kind: ScalarKind.Text or ScalarKind.Plain or ScalarKind.Number, Text: { } text })
        {
            if (required && string.IsNullOrWhiteSpace(text))
            {
                Problem(Join(path, key), $"'{key}' is required and is empty.", entry.Line);
                return null;
            }

            return text;
        }

        Problem(Join(path, key), $"'{key}' must be a string; found {Describe(entry.Value)}.", entry.Line);
        return null;
    }

    private int? Integer(Dictionary<string, MapEntry> fields, string path, string key, bool required)
    {
        if (!fields.TryGetValue(key, out var entry) || entry.Value is ScalarNode { Kind: ScalarKind.Null })
        {
            if (required)
            {
                Missing<string>(path, key, fields);
            }

            return null;
        }

        if (entry.Value is ScalarNode { Kind: not ScalarKind.Boolean, Text: { } text }
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Problem(Join(path, key), $"'{key}' must be a whole number; found {Describe(entry.Value)}.", entry.Line);
        return null;
    }

    private long? Memory(Dictionary<string, MapEntry> fields, string path, string key)
    {
        if (!fields.TryGetValue(key, out var entry) || entry.Value is ScalarNode { Kind: ScalarKind.Null })
        {
            Missing<string>(path, key, fields);
            return null;
        }

        if (entry.Value is ScalarNode { Kind: not ScalarKind.Boolean, Text: { } text } && BlueprintMemory.TryParse(text, out var bytes))
        {
            return bytes;
        }

        Problem(Join(path, key), $"'{key}' must be {BlueprintMemory.Expected}; found {Describe(entry.Value)}.", entry.Line);
        return null;
    }

    private IReadOnlyList<T>? List<T>(Dictionary<string, MapEntry> fields, string path, string key, bool required, Func<BlueprintNode, string, T?> read)
        where T : class
    {
        if (!fields.TryGetValue(key, out var entry) || entry.Value is ScalarNode { Kind: ScalarKind.Null })
        {
            return required ? Missing<IReadOnlyList<T>>(path, key, fields) : null;
        }

        if (entry.Value is not ListNode list)
        {
            Problem(Join(path, key), $"'{key}' must be a list; found {Describe(entry.Value)}.", entry.Line);
            return null;
        }

        var items = new List<T>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (read(list.Items[i], string.Create(CultureInfo.InvariantCulture, $"{Join(path, key)}[{i}]")) is { } item)
            {
                items.Add(item);
            }
        }

        return items.Count == list.Items.Count ? items : null;
    }

    private static string Describe(BlueprintNode node) => node switch
    {
        MapNode => "a mapping",
        ListNode => "a list",
        ScalarNode { Kind: ScalarKind.Boolean, Text: var t } => t!,
        ScalarNode { Kind: ScalarKind.Null } => "nothing",
        ScalarNode { Text: var t } => $"'{t}'",
        _ => "something else",
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private void Problem(string path, string message, int line) => _problems.Add(new BlueprintProblem(path.Length == 0 ? "(blueprint)" : path, message, line));
}
