namespace NestedHvDashboard.PowerShell.Tests.Compatibility;

/// <summary>One command of <c>WindowsPowerShell51Cmdlets.tsv</c>: its 5.1 parameters (with their aliases) and where they were read.</summary>
/// <param name="Name">The cmdlet's name.</param>
/// <param name="Module">Its module on Windows.</param>
/// <param name="Parameters">Every parameter name and alias it accepts on 5.1, the common parameters included.</param>
/// <param name="Source">The Microsoft documentation the list was written from.</param>
internal sealed record CmdletEntry(string Name, string Module, IReadOnlySet<string> Parameters, string Source);

/// <summary>The table of every command the scripts may call on Windows PowerShell 5.1.</summary>
internal sealed class CmdletTable
{
    /// <summary>Windows PowerShell 5.1's common parameters and their aliases (about_CommonParameters, 5.1): no ProgressAction, which came in 7.4.</summary>
    public static readonly IReadOnlySet<string> CommonParameters = new HashSet<string>(
        [
            "Debug", "db", "ErrorAction", "ea", "ErrorVariable", "ev", "InformationAction", "infa", "InformationVariable", "iv",
            "OutVariable", "ov", "OutBuffer", "ob", "PipelineVariable", "pv", "Verbose", "vb", "WarningAction", "wa", "WarningVariable", "wv",
        ],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The engine scripts' table.</summary>
    public const string EngineTable = "WindowsPowerShell51Cmdlets.tsv";

    /// <summary>The deploy scripts' table.</summary>
    public const string DeployTable = "DeployScripts51Cmdlets.tsv";

    private readonly Dictionary<string, CmdletEntry> _entries;

    private CmdletTable(Dictionary<string, CmdletEntry> entries, string name) => (_entries, Name) = (entries, name);

    public IReadOnlyCollection<CmdletEntry> Entries => _entries.Values;

    /// <summary>Where the table comes from, for messages: <c>Compatibility/&lt;file&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>The engine scripts' table shipped beside the tests.</summary>
    public static CmdletTable Load() => Load(EngineTable);

    /// <summary>A table shipped beside the tests, by file name.</summary>
    public static CmdletTable Load(string fileName) =>
        Parse(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Compatibility", fileName)), $"Compatibility/{fileName}");

    public static CmdletTable Parse(IEnumerable<string> lines, string name = $"Compatibility/{EngineTable}")
    {
        var entries = new Dictionary<string, CmdletEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var columns = line.Split('\t');
            if (columns.Length != 4)
            {
                throw new FormatException($"The cmdlet table line '{line}' does not have 4 tab-separated columns.");
            }

            var parameters = new HashSet<string>(CommonParameters, StringComparer.OrdinalIgnoreCase);
            parameters.UnionWith(columns[2].Split([',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            entries.Add(columns[0], new CmdletEntry(columns[0], columns[1], parameters, columns[3]));
        }

        return new CmdletTable(entries, name);
    }

    public bool TryGet(string name, out CmdletEntry entry) => _entries.TryGetValue(name, out entry!);
}
