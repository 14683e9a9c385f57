using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>Blueprints and their runs in the database; the same tests on SQLite and on PostgreSQL.</summary>
public abstract class BlueprintStoreTests : DatabaseTestBase
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    private DatabaseBlueprintStore Store() => new(Database.Factory, Database.Settings, NullLogger<DatabaseBlueprintStore>.Instance, _time);

    /// <summary>The example lab, as shipped.</summary>
    internal static Blueprint Example() => BlueprintText.Parse(BlueprintFiles.ExampleLab()).Blueprint!;

    [Fact]
    public async Task A_saved_blueprint_reads_back_equal_with_who_and_when_and_names_ignore_case()
    {
        await Store().SaveAsync(Example(), "olivia");

        var stored = await Store().GetAsync("EXAMPLE-LAB");

        Assert.NotNull(stored);
        Assert.Equal(BlueprintFiles.Content(Example()), BlueprintFiles.Content(stored.Blueprint));
        Assert.Equal(("olivia", _time.GetUtcNow()), (stored.UpdatedBy, stored.UpdatedAt));
        Assert.Null(await Store().GetAsync("other"));
    }

    [Fact]
    public async Task Saving_the_same_name_replaces_it_and_the_list_is_by_name()
    {
        await Store().SaveAsync(Example(), "olivia");
        await Store().SaveAsync(Example() with { Name = "a-lab", Description = "first" }, "olivia");
        _time.Advance(TimeSpan.FromMinutes(5));
        await Store().SaveAsync(Example() with { Name = "Example-Lab", Description = "changed" }, "ada");

        var list = await Store().ListAsync();

        Assert.Equal(["a-lab", "Example-Lab"], list.Select(b => b.Blueprint.Name));
        Assert.Equal(("changed", "ada", _time.GetUtcNow()), (list[1].Blueprint.Description, list[1].UpdatedBy, list[1].UpdatedAt));
    }

    [Fact]
    public async Task A_run_with_its_steps_and_commands_reads_back_the_same_and_the_last_one_wins()
    {
        await Store().SaveAsync(Example(), "olivia");
        var command = new PlannedCommand("New-VM", [new("Name", "lab-nat"), new("MemoryStartupBytes", 17179869184L), new("Generation", 2), new("SwitchName", "External"), new("Force", true), new("Tags", new[] { "a", "b" })]);
        var step = new BlueprintStep(0, BlueprintStepKind.CreateL1, "HV-WS2022-AMD", "lab-nat", null, "Create L1 'lab-nat' on HV-WS2022-AMD", [new BlueprintCommand("on HV-WS2022-AMD", command)]);
        var first = new BlueprintRun(Guid.NewGuid(), "example-lab", "olivia", _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(1), BlueprintRunState.Failed,
            [new BlueprintStepProgress(step, BlueprintStepState.Failed, "The host said: no.", false, _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(1))]);
        await Store().SaveRunAsync(first);
        _time.Advance(TimeSpan.FromMinutes(10));
        var second = new BlueprintRun(Guid.NewGuid(), "example-lab", "ada", _time.GetUtcNow(), null, BlueprintRunState.Running,
            [new BlueprintStepProgress(step, BlueprintStepState.Running, null, false, _time.GetUtcNow(), null)]);
        await Store().SaveRunAsync(second);
        await Store().SaveRunAsync(second with { State = BlueprintRunState.Succeeded, EndedAt = _time.GetUtcNow(), Steps = [second.Steps[0] with { State = BlueprintStepState.Done, Skipped = true }] });

        var last = await Store().LastRunAsync("Example-Lab");

        Assert.NotNull(last);
        Assert.Equal((second.Id, "ada", BlueprintRunState.Succeeded, _time.GetUtcNow()), (last.Id, last.StartedBy, last.State, last.EndedAt));
        var progress = Assert.Single(last.Steps);
        Assert.Equal((BlueprintStepState.Done, true), (progress.State, progress.Skipped));
        Assert.Equal(step.Title, progress.Step.Title);
        Assert.Equal(command.DisplayText, Assert.Single(progress.Step.Commands).Command.DisplayText);
        Assert.Equal("on HV-WS2022-AMD", progress.Step.Commands[0].Where);
    }

    [Fact]
    public async Task Deleting_removes_the_blueprint_and_its_runs_and_says_when_there_was_none()
    {
        await Store().SaveAsync(Example(), "olivia");
        await Store().SaveRunAsync(new BlueprintRun(Guid.NewGuid(), "example-lab", "olivia", _time.GetUtcNow(), null, BlueprintRunState.Interrupted, []));

        Assert.True(await Store().DeleteAsync("EXAMPLE-lab"));
        Assert.False(await Store().DeleteAsync("example-lab"));
        Assert.Null(await Store().GetAsync("example-lab"));
        Assert.Null(await Store().LastRunAsync("example-lab"));
    }
}

public sealed class SqliteBlueprintStoreTests : BlueprintStoreTests
{
    protected override Task<ITestDatabase> CreateDatabaseAsync() => Task.FromResult<ITestDatabase>(new SqliteTestDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresBlueprintStoreTests(PostgresServer server) : BlueprintStoreTests
{
    protected override async Task<ITestDatabase> CreateDatabaseAsync() => await server.CreateDatabaseAsync();
}

/// <summary>The example lab file and comparing blueprints by content.</summary>
internal static class BlueprintFiles
{
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

    public static string Content(Blueprint? blueprint) => System.Text.Json.JsonSerializer.Serialize(blueprint);
}
