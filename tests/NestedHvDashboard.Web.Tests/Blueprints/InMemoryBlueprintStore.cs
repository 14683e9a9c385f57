using System.Collections.Concurrent;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Blueprints;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>The blueprint store in memory (the engine's database store is another part's): blueprints and every saved run.</summary>
internal sealed class InMemoryBlueprintStore : IBlueprintStore
{
    private readonly ConcurrentDictionary<string, StoredBlueprint> _blueprints = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, BlueprintRun> _runs = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<BlueprintRun> _saved = new();

    /// <summary>Every run as it was saved, in order (one per step change).</summary>
    public IReadOnlyList<BlueprintRun> Saved => [.. _saved];

    public Task<IReadOnlyList<StoredBlueprint>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoredBlueprint>>([.. _blueprints.Values]);

    public Task<StoredBlueprint?> GetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_blueprints.GetValueOrDefault(name));

    public Task SaveAsync(Blueprint blueprint, string changedBy, CancellationToken cancellationToken = default)
    {
        _blueprints[blueprint.Name] = new StoredBlueprint(blueprint, DateTimeOffset.UtcNow, changedBy);
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        _runs.TryRemove(name, out _);
        return Task.FromResult(_blueprints.TryRemove(name, out _));
    }

    public Task SaveRunAsync(BlueprintRun run, CancellationToken cancellationToken = default)
    {
        _runs[run.Blueprint] = run;
        _saved.Enqueue(run);
        return Task.CompletedTask;
    }

    public Task<BlueprintRun?> LastRunAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_runs.GetValueOrDefault(name));
}
