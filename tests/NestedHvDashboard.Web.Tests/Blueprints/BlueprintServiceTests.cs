using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>The blueprints' front door: saves and deletes audited with the Operator role, refusals with their problems, apply checked before the runner.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class BlueprintServiceTests : IAsyncLifetime
{
    private static readonly BlueprintCredentials Credentials = new(new GuestCredential("lab\\admin", "Guest-pass-1"), null);

    private readonly FakeBlueprintRunner _runner = new();
    private readonly FakeBlueprintPlanner _planner = new();
    private readonly string _keys = Directory.CreateTempSubdirectory("nestedhv-keys-").FullName;
    private SqliteTestDatabase _database = null!;
    private DbAuditTrail _audit = null!;
    private DatabaseBlueprintStore _store = null!;
    private BlueprintDriftMonitor _drift = null!;
    private BlueprintService _service = null!;

    public Task InitializeAsync()
    {
        _database = new SqliteTestDatabase();
        _audit = new DbAuditTrail(_database.Factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance);
        _store = new DatabaseBlueprintStore(_database.Factory, _database.Settings, NullLogger<DatabaseBlueprintStore>.Instance);
        var lookup = new GuestLabHost("none");
        _drift = new BlueprintDriftMonitor(_store, _runner, new InventoryStore(), new BlueprintGuestDrift(lookup, TestStores.GuestCredentials(_database, _keys)),
            Options.Create(new BlueprintDriftOptions()), TimeProvider.System, NullLogger<BlueprintDriftMonitor>.Instance);
        _service = new BlueprintService(_store, _audit, _planner, _runner, _drift);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _service.Dispose();
        _drift.Dispose();
        _store.Dispose();
        await _database.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    private List<AuditEntry> Entries()
    {
        using var db = _database.Factory.CreateDbContext();
        return [.. db.AuditEntries.OrderBy(e => e.Id)];
    }

    [Fact]
    public async Task An_operator_saves_and_deletes_each_audited_and_the_list_sums_up_each_blueprint()
    {
        var saved = await _service.SaveAsync(TestDatabase.Operator, BlueprintStoreTests.Example());
        _runner.Set("example-lab", BlueprintRunState.Failed);

        Assert.True(saved.Succeeded, saved.Message);
        var summary = Assert.Single(await _service.ListAsync());
        Assert.Equal(("example-lab", 2, 6, "olivia", (BlueprintRunState?)BlueprintRunState.Failed, 0),
            (summary.Name, summary.L1Count, summary.L2Count, summary.UpdatedBy, summary.LastRunState, summary.DriftCount));
        Assert.NotNull(await _service.GetAsync("Example-Lab"));

        var deleted = await _service.DeleteAsync(TestDatabase.Operator, "EXAMPLE-LAB");
        Assert.True(deleted.Succeeded, deleted.Message);
        Assert.Empty(await _service.ListAsync());
        Assert.Equal([(BlueprintService.SaveAction, AuditResults.Succeeded, "olivia"), (BlueprintService.DeleteAction, AuditResults.Succeeded, "olivia")],
            Entries().Select(e => (e.Action, e.Result, e.Actor)));
    }

    [Fact]
    public async Task A_viewer_is_denied_and_a_bad_shape_is_refused_with_its_problems_each_recorded()
    {
        var denied = await _service.SaveAsync(TestDatabase.Viewer, BlueprintStoreTests.Example());
        var bad = BlueprintStoreTests.Example() with { L1s = [BlueprintStoreTests.Example().L1s[0] with { ProcessorCount = 1 }] };
        var refused = await _service.SaveAsync(TestDatabase.Operator, bad);
        var missing = await _service.DeleteAsync(TestDatabase.Operator, "nothing");

        Assert.False(denied.Succeeded);
        Assert.False(refused.Succeeded);
        Assert.Contains(refused.Problems, p => p.Path == "l1s[0].processorCount");
        Assert.Contains("l1s[0].processorCount", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no blueprint named 'nothing'", missing.Message, StringComparison.Ordinal);
        Assert.Empty(await _service.ListAsync());
        Assert.Equal([AuditResults.Denied, AuditResults.Refused, AuditResults.Refused], Entries().Select(e => e.Result));
    }

    [Fact]
    public async Task Apply_is_refused_while_a_run_is_going_without_credentials_or_with_review_problems_and_otherwise_runs()
    {
        await _service.SaveAsync(TestDatabase.Operator, BlueprintStoreTests.Example());

        _runner.Set("example-lab", BlueprintRunState.Running);
        var going = await _service.ApplyAsync(TestDatabase.Operator, "example-lab", Credentials);
        _runner.Set("example-lab", BlueprintRunState.Failed);
        var noPassword = await _service.ApplyAsync(TestDatabase.Operator, "example-lab", new BlueprintCredentials(new GuestCredential("admin", ""), null));
        _planner.Problems.Add(new BlueprintProblem("l1s[0].host", "The dashboard has no host 'HV-WS2022-AMD'."));
        var problems = await _service.ApplyAsync(TestDatabase.Operator, "example-lab", Credentials);
        var viewer = await _service.ApplyAsync(TestDatabase.Viewer, "example-lab", Credentials);
        _planner.Problems.Clear();
        var applied = await _service.ApplyAsync(TestDatabase.Operator, "example-lab", Credentials);

        Assert.Contains("being applied already", going.Message, StringComparison.Ordinal);
        Assert.Contains("user name and password", noPassword.Message, StringComparison.Ordinal);
        Assert.Equal("l1s[0].host", Assert.Single(problems.Problems).Path);
        Assert.Contains("HV-WS2022-AMD", problems.Message, StringComparison.Ordinal);
        Assert.False(viewer.Succeeded);
        Assert.True(applied.Succeeded, applied.Message);
        var (actor, blueprint, credentials) = Assert.Single(_runner.Applied);
        Assert.Equal(("olivia", "example-lab", Credentials), (actor.Name, blueprint.Name, credentials));
        var refusals = Entries().Where(e => e.Action == BlueprintService.ApplyAction).ToList();
        Assert.Equal([AuditResults.Refused, AuditResults.Refused, AuditResults.Refused, AuditResults.Denied], refusals.Select(e => e.Result));
        Assert.All(Entries(), e => Assert.DoesNotContain("Guest-pass-1", $"{e.Parameters} {e.Message} {e.Before} {e.After}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Parse_export_and_review_go_through_the_file_formats_and_the_planner()
    {
        var parsed = _service.Parse(BlueprintFiles.ExampleLab());
        Assert.True(parsed.IsValid);
        var json = _service.Export(parsed.Blueprint!, BlueprintFormat.Json);
        Assert.Equal(BlueprintFiles.Content(parsed.Blueprint), BlueprintFiles.Content(_service.Parse(json).Blueprint));

        var review = await _service.ReviewAsync(parsed.Blueprint!);
        Assert.True(review.CanApply);
        Assert.Equal(1, _planner.Reviews);

        // A shape problem is the review's answer without asking the hosts.
        var bad = await _service.ReviewAsync(parsed.Blueprint! with { L1s = [] });
        Assert.Contains(bad.Problems, p => p.Path == "l1s");
        Assert.Equal(1, _planner.Reviews);
    }
}
