using System.Text.Json;
using System.Text.Json.Serialization;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Blueprints;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>
/// The blueprint service the pages are tested against: blueprints in memory; JSON read with System.Text.Json (its line
/// numbers in problems), and "YAML" written as that JSON under a "# yaml" first line, so the two views differ; review,
/// runs and drift set by the test, which also sees what was saved, deleted and applied with which credentials.
/// </summary>
internal sealed class FakeBlueprintService : IBlueprintService
{
    private const string YamlMark = "# yaml";
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
    private readonly Dictionary<string, (Blueprint Blueprint, DateTimeOffset At, string By)> _stored = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, BlueprintRun> _runs = new(StringComparer.OrdinalIgnoreCase);
    private List<BlueprintDrift> _drift = [];

    public event Action<string>? RunChanged;

    public event Action? DriftChanged;

    public List<Blueprint> Saved { get; } = [];

    public List<string> Deleted { get; } = [];

    public List<(Actor Actor, string Name, BlueprintCredentials Credentials)> Applied { get; } = [];

    public BlueprintReview Review { get; set; } = new([], []);

    public BlueprintChangeResult ApplyAnswer { get; set; } = new(true, "Applying started.", []);

    public void Store(Blueprint blueprint, string by = "alice") => _stored[blueprint.Name] = (blueprint, new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), by);

    public void SetRun(BlueprintRun run)
    {
        _runs[run.Blueprint] = run;
        RunChanged?.Invoke(run.Blueprint);
    }

    public void SetDrift(params BlueprintDrift[] drift)
    {
        _drift = [.. drift];
        DriftChanged?.Invoke();
    }

    public Task<IReadOnlyList<BlueprintSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<BlueprintSummary>>([.. _stored.Values.OrderBy(s => s.Blueprint.Name, StringComparer.OrdinalIgnoreCase).Select(s => new BlueprintSummary(
            s.Blueprint.Name, s.Blueprint.Description, s.Blueprint.L1s.Count, s.Blueprint.L1s.Sum(l => l.L2s.Count), s.At, s.By,
            _runs.TryGetValue(s.Blueprint.Name, out var run) ? run.State : null, Drift(s.Blueprint.Name).Count))]);

    public Task<Blueprint?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_stored.TryGetValue(name, out var s) ? s.Blueprint : null);

    public BlueprintParseResult Parse(string text)
    {
        var yaml = text.StartsWith(YamlMark, StringComparison.Ordinal);
        var json = yaml ? text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..] : text;
        var format = yaml ? BlueprintFormat.Yaml : BlueprintFormat.Json;
        try
        {
            var blueprint = JsonSerializer.Deserialize<Blueprint>(json, Options);
            if (blueprint is null)
            {
                return new(null, format, [new BlueprintProblem("$", "The text holds no blueprint.", 1)]);
            }

            return new(blueprint, format, Shape(blueprint));
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0) + 1 + (yaml ? 1 : 0);
            return new(null, format, [new BlueprintProblem(e.Path ?? "$", "The text cannot be read here.", line)]);
        }
    }

    public string Export(Blueprint blueprint, BlueprintFormat format)
    {
        var json = JsonSerializer.Serialize(blueprint, Options);
        return format == BlueprintFormat.Yaml ? $"{YamlMark}\n{json}" : json;
    }

    public Task<BlueprintChangeResult> SaveAsync(Actor actor, Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        if (!actor.CanOperate)
        {
            return Task.FromResult(new BlueprintChangeResult(false, actor.Refusal("Saving a blueprint", DashboardRoles.Operator), []));
        }

        var problems = Shape(blueprint);
        if (problems.Count > 0)
        {
            return Task.FromResult(new BlueprintChangeResult(false, $"Blueprint '{blueprint.Name}' was not saved.", problems));
        }

        Saved.Add(blueprint);
        Store(blueprint, actor.Name);
        return Task.FromResult(new BlueprintChangeResult(true, $"Saved blueprint '{blueprint.Name}'.", []));
    }

    public Task<BlueprintChangeResult> DeleteAsync(Actor actor, string name, CancellationToken cancellationToken = default)
    {
        Deleted.Add(name);
        _stored.Remove(name);
        return Task.FromResult(new BlueprintChangeResult(true, $"Deleted blueprint '{name}'.", []));
    }

    public Task<BlueprintReview> ReviewAsync(Blueprint blueprint, CancellationToken cancellationToken = default) => Task.FromResult(Review);

    public Task<BlueprintChangeResult> ApplyAsync(Actor actor, string name, BlueprintCredentials credentials, CancellationToken cancellationToken = default)
    {
        Applied.Add((actor, name, credentials));
        return Task.FromResult(ApplyAnswer);
    }

    public BlueprintRun? LastRun(string name) => _runs.TryGetValue(name, out var run) ? run : null;

    public IReadOnlyList<BlueprintDrift> Drift(string name) => [.. _drift.Where(d => string.Equals(d.Blueprint, name, StringComparison.OrdinalIgnoreCase))];

    public IReadOnlyList<BlueprintDrift> AllDrift() => _drift;

    // The engine's shape rules, as much as the pages show: names present, L2 names unique in their L1.
    private static List<BlueprintProblem> Shape(Blueprint blueprint)
    {
        var problems = new List<BlueprintProblem>();
        if (string.IsNullOrWhiteSpace(blueprint.Name))
        {
            problems.Add(new("name", "A blueprint needs a name."));
        }

        for (var i = 0; i < blueprint.L1s.Count; i++)
        {
            var l1 = blueprint.L1s[i];
            if (string.IsNullOrWhiteSpace(l1.Name))
            {
                problems.Add(new($"l1s[{i}].name", "An L1 needs a name."));
            }

            foreach (var twin in l1.L2s.GroupBy(l2 => l2.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                problems.Add(new($"l1s[{i}].l2s", $"Two L2 VMs are named '{twin.Key}'."));
            }
        }

        return problems;
    }

    /// <summary>A lab: <paramref name="l1s"/> L1s on hv-a and hv-b, each with <paramref name="l2s"/> L2s.</summary>
    public static Blueprint Lab(string name = "lab", int l1s = 2, int l2s = 3) => new(
        name,
        "Two L1s with three L2s each",
        [.. Enumerable.Range(1, l1s).Select(i => new BlueprintL1(
            $"{name}-l1-{i}", i % 2 == 1 ? "hv-a" : "hv-b", 4, 8L << 30, null, null, "External",
            new BlueprintNetwork(BlueprintNetworking.Nat, "NestedNAT", $"192.168.{100 + i}.0/24", $"192.168.{100 + i}.1", "1.1.1.1"),
            [.. Enumerable.Range(1, l2s).Select(j => new BlueprintL2($"{name}-l1-{i}-l2-{j}", 2, 2L << 30, null, $"192.168.{100 + i}.{10 + j}", 24))]))]);

    /// <summary>A step of the L1 <paramref name="l1"/> with one command.</summary>
    public static BlueprintStep Step(int index, BlueprintStepKind kind, string host, string l1, string? l2, string title, string where, string command, params PlannedParameter[] parameters) =>
        new(index, kind, host, l1, l2, title, [new BlueprintCommand(where, new PlannedCommand(command, parameters))]);
}
