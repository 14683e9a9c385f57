using System.Management.Automation;

namespace NestedHvDashboard.Simulator.Tests.Fidelity;

/// <summary>
/// Every parameter Microsoft documents for a cmdlet the simulator implements (documented-parameters.tsv, taken from
/// MicrosoftDocs/windows-powershell-docs) exists on the simulator's cmdlet, by name or alias, with its documented aliases,
/// in at least its documented parameter sets; and the cmdlet has every documented parameter set.
/// </summary>
public sealed class DocumentedParameterTests : IDisposable
{
    private static readonly Lazy<List<Row>> Rows = new(Load);
    private readonly SimulatorSession session = new(TestHosts.Create());

    public void Dispose() => session.Dispose();

    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var cmdlet in Rows.Value.Select(r => r.Cmdlet).Distinct())
        {
            data.Add(cmdlet);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_documented_parameter_is_there_with_its_aliases_and_sets(string cmdlet)
    {
        var command = Assert.IsAssignableFrom<CommandInfo>(Assert.Single(session.Run("param($n) Get-Command -Name $n -CommandType Cmdlet", new Dictionary<string, object> { ["n"] = cmdlet }).Succeeded().Output).BaseObject);
        var simulatorSets = command.ParameterSets.Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var rows = Rows.Value.Where(r => r.Cmdlet == cmdlet).ToList();
        foreach (var documentedSet in rows.SelectMany(r => r.Sets).Distinct().Where(s => s != "(All)" && !simulatorSets.Contains(s)))
        {
            problems.Add($"parameter set '{documentedSet}' is missing (the simulator has {string.Join(", ", simulatorSets)})");
        }

        foreach (var row in rows)
        {
            var parameter = command.Parameters.Values.FirstOrDefault(p =>
                string.Equals(p.Name, row.Parameter, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(row.Parameter, StringComparer.OrdinalIgnoreCase));
            if (parameter is null)
            {
                problems.Add($"-{row.Parameter} is not found");
                continue;
            }

            problems.AddRange(row.Aliases.Where(a => !parameter.Aliases.Contains(a, StringComparer.OrdinalIgnoreCase) && !string.Equals(parameter.Name, a, StringComparison.OrdinalIgnoreCase))
                .Select(a => $"-{row.Parameter} lacks the documented alias -{a}"));
            var sets = parameter.ParameterSets.Keys;
            if (!sets.Contains(ParameterAttribute.AllParameterSets))
            {
                problems.AddRange(row.Sets.Where(s => s != "(All)" && !sets.Contains(s, StringComparer.OrdinalIgnoreCase))
                    .Select(s => $"-{row.Parameter} is not in parameter set '{s}' (it is in {string.Join(", ", sets)})"));
            }
        }

        Assert.True(problems.Count == 0, $"{cmdlet} ({rows[0].Source}):\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void The_list_covers_the_cmdlets_of_the_nested_lab_flows_and_each_is_exported()
    {
        string[] required =
        [
            "Set-VMProcessor", "Set-VMMemory", "Set-VMNetworkAdapter", "Get-VMNetworkAdapter", "Connect-VMNetworkAdapter", "Disconnect-VMNetworkAdapter",
            "New-VM", "New-VMSwitch", "Get-VMSwitch", "Remove-VMSwitch", "Get-NetAdapter", "Get-NetIPAddress", "New-NetIPAddress", "Remove-NetIPAddress",
            "Test-NetConnection", "Get-NetNat", "New-NetNat", "Remove-NetNat", "Get-DnsClientServerAddress", "Set-DnsClientServerAddress", "Resolve-DnsName",
        ];
        var listed = Rows.Value.Select(r => r.Cmdlet).ToHashSet();
        Assert.All(required, c => Assert.Contains(c, listed));
        var exported = File.ReadAllText(SimulatorModule.ManifestPath);
        Assert.All(listed, c => Assert.Contains($"'{c}'", exported, StringComparison.Ordinal));
        Assert.All(Rows.Value, r => Assert.StartsWith("docset/winserver2022-ps/", r.Source, StringComparison.Ordinal));
    }

    private static List<Row> Load() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Fidelity", "documented-parameters.tsv"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => new Row(f[0], f[1], f[2].Split(','), f[3].Length == 0 ? [] : f[3].Split(','), f[4]))
            .ToList();

    private sealed record Row(string Cmdlet, string Parameter, string[] Sets, string[] Aliases, string Source);
}
