using System.Text.Json;
using NestedHvDashboard.Core.Blueprints;

namespace NestedHvDashboard.Core.Tests.Blueprints;

/// <summary>Blueprint files: YAML and JSON read alike, every problem named by path and line, and export reads back equal.</summary>
public sealed class BlueprintTextTests
{
    private const string Yaml = """
        name: small lab
        description: one L1
        l1s:
          - name: lab-a
            host: HV-LAB-01
            processorCount: 4
            memory: 8GB
            switchName: External
            network:
              kind: nat
              switchName: VmNAT
              natPrefix: 192.168.100.0/24
              gateway: 192.168.100.1
            l2s:
              - name: web
                processorCount: 2
                memory: 2048MB
                ipAddress: 192.168.100.10
        """;

    /// <summary>The example lab the repository ships (deploy/blueprints/example-lab.yaml).</summary>
    public static string ExampleLab()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var file = Path.Combine(directory.FullName, "deploy", "blueprints", "example-lab.yaml");
            if (File.Exists(file))
            {
                return File.ReadAllText(file);
            }
        }

        throw new FileNotFoundException("deploy/blueprints/example-lab.yaml was not found above the test's folder.");
    }

    /// <summary>A blueprint's content as comparable text (records hold lists, which compare by reference).</summary>
    public static string Content(Blueprint? blueprint) => JsonSerializer.Serialize(blueprint);

    [Fact]
    public void YAML_is_read_with_units_and_defaults()
    {
        var result = BlueprintText.Parse(Yaml);

        Assert.Empty(result.Problems);
        Assert.Equal(BlueprintFormat.Yaml, result.Format);
        var l1 = Assert.Single(result.Blueprint!.L1s);
        Assert.Equal(("lab-a", "HV-LAB-01", 4, 8L << 30), (l1.Name, l1.Host, l1.ProcessorCount, l1.MemoryStartupBytes));
        Assert.Equal(new BlueprintNetwork(BlueprintNetworking.Nat, "VmNAT", "192.168.100.0/24", "192.168.100.1", null), l1.Network);
        var l2 = Assert.Single(l1.L2s);
        Assert.Equal(new BlueprintL2("web", 2, 2048L << 20, null, "192.168.100.10", null), l2);
    }

    [Fact]
    public void The_same_blueprint_in_JSON_reads_the_same_and_memory_may_be_bytes()
    {
        const string json = """
            {
              "name": "small lab", "description": "one L1",
              "l1s": [ { "name": "lab-a", "host": "HV-LAB-01", "processorCount": 4, "memory": 8589934592, "switchName": "External",
                "network": { "kind": "nat", "switchName": "VmNAT", "natPrefix": "192.168.100.0/24", "gateway": "192.168.100.1" },
                "l2s": [ { "name": "web", "processorCount": 2, "memory": "2GB", "ipAddress": "192.168.100.10" } ] } ]
            }
            """;

        var result = BlueprintText.Parse(json);

        Assert.Empty(result.Problems);
        Assert.Equal(BlueprintFormat.Json, result.Format);
        Assert.Equal(Content(BlueprintText.Parse(Yaml).Blueprint), Content(result.Blueprint));
    }

    [Theory]
    [InlineData(BlueprintFormat.Yaml)]
    [InlineData(BlueprintFormat.Json)]
    public void Export_reads_back_equal_with_every_field_and_awkward_text(BlueprintFormat format)
    {
        var example = BlueprintText.Parse(ExampleLab()).Blueprint!;
        var awkward = example with
        {
            Name = "lab: \"quoted\" #1",
            Description = "two lines\nnull ~ true 42 'single' – ünïcode",
            L1s = [example.L1s[0] with { Name = "null", ConfigurationVersion = "9.0", MemoryStartupBytes = (8L << 30) + (2L << 20) }, example.L1s[1] with { L2s = [] }],
        };

        var text = BlueprintText.Export(awkward, format);
        var back = BlueprintText.Parse(text);

        Assert.Equal(format, back.Format);
        Assert.Equal(Content(awkward), Content(back.Blueprint));
        Assert.Equal(text, BlueprintText.Export(back.Blueprint!, format));
    }

    [Fact]
    public void The_example_lab_parses_and_validates_two_L1s_with_three_L2s_each_NAT_on_one_external_on_the_other()
    {
        var result = BlueprintText.Parse(ExampleLab());

        Assert.Empty(result.Problems);
        var lab = result.Blueprint!;
        Assert.Equal("example-lab", lab.Name);
        Assert.Equal(2, lab.L1s.Count);
        Assert.All(lab.L1s, l1 => Assert.Equal(3, l1.L2s.Count));
        Assert.Equal([BlueprintNetworking.Nat, BlueprintNetworking.ExternalSwitch], lab.L1s.Select(l => l.Network.Kind));
        Assert.Equal(@"C:\Images\ws2022-datacenter.vhdx", lab.L1s[0].OsImagePath);
        Assert.Empty(BlueprintShape.Validate(lab));
    }

    [Fact]
    public void An_unknown_key_names_its_path_line_and_the_keys_allowed_there()
    {
        var text = Yaml.Replace("        ipAddress: 192.168.100.10", "        ipAdress: 192.168.100.10", StringComparison.Ordinal);

        var problem = Assert.Single(BlueprintText.Parse(text).Problems);

        Assert.Equal("l1s[0].l2s[0].ipAdress", problem.Path);
        Assert.Equal(18, problem.Line);
        Assert.Contains("name, processorCount, memory, osImagePath, ipAddress, prefixLength", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_types_and_missing_fields_each_name_their_path_and_line()
    {
        var text = Yaml.Replace("processorCount: 4", "processorCount: four", StringComparison.Ordinal)
            .Replace("memory: 2048MB", "memory: lots", StringComparison.Ordinal)
            .Replace("    host: HV-LAB-01\n", "", StringComparison.Ordinal)
            .Replace("kind: nat", "kind: bridge", StringComparison.Ordinal);

        var problems = BlueprintText.Parse(text).Problems;

        Assert.Null(BlueprintText.Parse(text).Blueprint);
        Assert.Contains(problems, p => p is { Path: "l1s[0].processorCount", Line: 5 } && p.Message.Contains("whole number", StringComparison.Ordinal));
        Assert.Contains(problems, p => p is { Path: "l1s[0].host", Line: 4 } && p.Message.Contains("required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p is { Path: "l1s[0].network.kind" } && p.Message.Contains("nat", StringComparison.Ordinal) && p.Message.Contains("externalSwitch", StringComparison.Ordinal));
        Assert.Contains(problems, p => p is { Path: "l1s[0].l2s[0].memory", Line: 16 } && p.Message.Contains("8GB", StringComparison.Ordinal));
    }

    [Fact]
    public void A_JSON_value_of_the_wrong_type_names_its_line()
    {
        const string json = "{\n  \"name\": \"x\",\n  \"l1s\": {\"name\": \"a\"}\n}";

        var problem = Assert.Single(BlueprintText.Parse(json).Problems);

        Assert.Equal(("l1s", 3), (problem.Path, problem.Line));
        Assert.Contains("must be a list", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: x\nl1s:\n  - name: [a\n", 4)]
    [InlineData("name: x\n  l1s: 1\n", 2)]
    [InlineData("{\n  \"name\": \"x\",\n  \"l1s\": [,]\n}", 3)]
    [InlineData("{ \"name\": \"x\", \"name\": \"y\" }", 1)]
    public void Syntax_errors_say_so_with_the_line(string text, int line)
    {
        var problem = Assert.Single(BlueprintText.Parse(text).Problems);

        Assert.Equal("(syntax)", problem.Path);
        Assert.Equal(line, problem.Line);
        Assert.StartsWith("The text is not valid", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_problems_found_after_reading_carry_the_line_of_the_value()
    {
        var text = Yaml.Replace("ipAddress: 192.168.100.10", "ipAddress: 192.168.100.1", StringComparison.Ordinal);

        var result = BlueprintText.Parse(text);

        Assert.NotNull(result.Blueprint);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("l1s[0].l2s[0].ipAddress", 18), (problem.Path, problem.Line));
        Assert.Contains("gateway", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8GB", 8L << 30)]
    [InlineData("4096 MB", 4096L << 20)]
    [InlineData("1.5gb", 3L << 29)]
    [InlineData("2147483648", 2L << 30)]
    public void Memory_reads_bytes_and_sizes(string text, long bytes)
    {
        Assert.True(BlueprintMemory.TryParse(text, out var read));
        Assert.Equal(bytes, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1GB")]
    [InlineData("8 apples")]
    [InlineData("0.3B")]
    public void Memory_refuses_what_is_not_a_size(string text) => Assert.False(BlueprintMemory.TryParse(text, out _));
}
