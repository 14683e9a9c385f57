using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NestedHvDashboard.Web.Tests.Architecture;

/// <summary>
/// DESIGN's "must not know about" column, checked over the projects' references (ProjectReference, PackageReference) and the
/// <c>using</c> lines (and fully qualified names) of their source files:
/// <list type="bullet">
/// <item>Core knows no PowerShell (<c>System.Management.Automation</c>, the engine), no ASP.NET, no simulator, no Web.</item>
/// <item>The simulator knows nothing of the dashboard (Core, engine, Web).</item>
/// <item>Web knows the simulator only in its <c>Simulator/</c> folder — the lab connector that reaches the simulated lab's
/// hosts in process (<c>SimulatedLabConnector</c>) and the lab's read-only endpoints — and there only through the lab and its
/// scenarios (<c>NestedHvDashboard.Simulator.State</c>, <c>NestedHvDashboard.Simulator.Scenarios</c>), never the cmdlets, the
/// Hyper-V types or the module (<c>.Cmdlets</c>, <c>.HyperV</c>, <c>.Module</c>).</item>
/// </list>
/// </summary>
public sealed partial class ProjectBoundaryTests
{
    private const string Simulator = "NestedHvDashboard.Simulator";

    /// <summary>The only Simulator namespaces Web may use, and only in <see cref="WebSimulatorFolder"/>.</summary>
    private static readonly string[] SimulatorNamespacesWebMayUse = [$"{Simulator}.State", $"{Simulator}.Scenarios"];

    private const string WebSimulatorFolder = "Simulator";

    [Fact]
    public void Core_references_no_powershell_aspnet_simulator_or_web_project_or_package()
    {
        var project = Project("NestedHvDashboard.Core");

        Assert.Equal("Microsoft.NET.Sdk", project.Root!.Attribute("Sdk")?.Value);
        Assert.Empty(References(project, "ProjectReference"));
        Assert.DoesNotContain(References(project, "PackageReference"), p =>
            p.StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase)
            || p.StartsWith("Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase)
            || p.StartsWith("Microsoft.AspNetCore", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Core_sources_use_no_powershell_aspnet_simulator_or_web_namespace()
    {
        string[] forbidden = ["System.Management.Automation", "NestedHvDashboard.PowerShell", "Microsoft.AspNetCore", Simulator, "NestedHvDashboard.Web"];

        var offending = Sources("NestedHvDashboard.Core")
            .SelectMany(file => Mentions(file.Text).Where(n => forbidden.Any(f => IsIn(n, f))).Select(n => $"{file.Path}: {n}"))
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void The_simulator_knows_nothing_of_the_dashboard()
    {
        string[] forbidden = ["NestedHvDashboard.Core", "NestedHvDashboard.PowerShell", "NestedHvDashboard.Web"];

        Assert.Empty(References(Project("NestedHvDashboard.Simulator"), "ProjectReference"));
        Assert.Empty(Sources("NestedHvDashboard.Simulator")
            .SelectMany(file => Mentions(file.Text).Where(n => forbidden.Any(f => IsIn(n, f))).Select(n => $"{file.Path}: {n}")));
    }

    [Fact]
    public void Web_references_the_simulator_only_through_the_engine()
    {
        Assert.Equal(
            ["NestedHvDashboard.Core", "NestedHvDashboard.PowerShell"],
            References(Project("NestedHvDashboard.Web"), "ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Replace('\\', '/'))).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Web_uses_simulator_namespaces_only_in_its_simulator_folder_and_only_the_lab_and_its_scenarios()
    {
        var offending = new List<string>();
        foreach (var file in Sources("NestedHvDashboard.Web"))
        {
            var inSimulatorFolder = file.Path.StartsWith(WebSimulatorFolder + "/", StringComparison.Ordinal);
            foreach (var name in Mentions(file.Text).Where(n => IsIn(n, Simulator)))
            {
                if (!inSimulatorFolder || !SimulatorNamespacesWebMayUse.Any(allowed => IsIn(name, allowed)))
                {
                    offending.Add($"{file.Path}: {name}");
                }
            }
        }

        Assert.Empty(offending);
    }

    [Fact]
    public void The_checks_see_the_files_they_check()
    {
        // Guards the tests above against passing on an empty scan (a moved folder, a wrong root).
        Assert.Contains(Sources("NestedHvDashboard.Web"), f => f.Path == "Simulator/SimulatedLabConnector.cs"
            && Mentions(f.Text).Contains($"{Simulator}.State"));
        Assert.Contains(Sources("NestedHvDashboard.Core"), f => f.Path == "Inventory/InventoryMonitor.cs");
        Assert.Contains(Mentions("global using static Foo.Bar;\n@using Baz.Qux\nvar x = new NestedHvDashboard.Simulator.HyperV.VMState();"), n => n == "Foo.Bar");
        Assert.Contains(Mentions("@using Baz.Qux\n"), n => n == "Baz.Qux");
        Assert.Contains(Mentions("var x = NestedHvDashboard.Simulator.HyperV.VMState.Off;"), n => n.StartsWith($"{Simulator}.HyperV", StringComparison.Ordinal));
    }

    // Namespaces named by using lines (C# and Razor, aliases and statics included) and fully qualified dashboard names.
    private static HashSet<string> Mentions(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in UsingLine().Matches(text))
        {
            names.Add(match.Groups["name"].Value);
        }

        foreach (Match match in QualifiedName().Matches(text))
        {
            names.Add(match.Value);
        }

        return names;
    }

    private static bool IsIn(string name, string ns) =>
        name == ns || name.StartsWith(ns + ".", StringComparison.Ordinal);

    private static XDocument Project(string name) => XDocument.Load(Path.Combine(SourceRoot(), name, name + ".csproj"));

    private static List<string> References(XDocument project, string kind) =>
        [.. project.Descendants(kind).Select(e => e.Attribute("Include")?.Value ?? "").Where(v => v.Length > 0)];

    private static List<(string Path, string Text)> Sources(string project)
    {
        var root = Path.Combine(SourceRoot(), project);
        return
        [
            .. Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                .Select(f => (Path: Path.GetRelativePath(root, f).Replace('\\', '/'), File: f))
                .Where(f => !f.Path.StartsWith("bin/", StringComparison.Ordinal) && !f.Path.StartsWith("obj/", StringComparison.Ordinal))
                .Select(f => (f.Path, File.ReadAllText(f.File))),
        ];
    }

    private static string SourceRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NestedHvDashboard.sln")))
            {
                return Path.Combine(directory.FullName, "src");
            }
        }

        throw new DirectoryNotFoundException($"No NestedHvDashboard.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\s*(?:global\s+)?@?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<name>[A-Za-z_][\w.]*)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"\b(?:NestedHvDashboard\.(?:Simulator|PowerShell|Web|Core)|System\.Management\.Automation|Microsoft\.AspNetCore)(?:\.\w+)*")]
    private static partial Regex QualifiedName();
}
