using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Hosts;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>Pending "apply at next shutdown" changes in the database; the same tests on SQLite and on PostgreSQL.</summary>
public abstract class PendingChangeStoreTests : DatabaseTestBase
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private DatabasePendingChangeStore Store(ILogger<DatabasePendingChangeStore>? logger = null) => TestStores.PendingChanges(Database, logger);

    private static PendingNestedChange Change(int n, string host = "HV01") =>
        new(host, new Guid(n, 0, 0, new byte[8]), $"vm {n} 'quoted' \"name\"", n % 2 == 0, n % 3 == 0, Noon.AddMinutes(n), n % 5 == 0);

    [Fact]
    public async Task What_is_saved_is_loaded_back_field_for_field()
    {
        PendingNestedChange[] changes = [Change(1), Change(5), Change(6, "hv-b")];

        await Store().SaveAsync(changes);

        var loaded = await Store().LoadAsync();
        Assert.Equal(changes, loaded);
        Assert.All(loaded, c => Assert.Equal(TimeSpan.Zero, c.RequestedAt.Offset));
    }

    [Fact]
    public async Task Nothing_saved_yet_means_nothing_pending()
    {
        Assert.Empty(await Store().LoadAsync());
    }

    [Fact]
    public async Task Pending_changes_survive_a_restart_of_the_app()
    {
        var before = new PendingNestedChanges(Store());
        await before.AddAsync(Change(1));
        await before.AddAsync(Change(2) with { DisableDynamicMemory = true });
        await before.AddAsync(Change(3));
        await before.RemoveAsync("hv01", Change(3).VmId);

        // A new store and a new PendingNestedChanges over the same database, loaded: what a restart builds.
        var after = new PendingNestedChanges(Store());
        await after.LoadAsync();

        Assert.Equal(before.List(), after.List());
        Assert.Equal(2, after.List().Count);
        Assert.True(after.Find("HV01", Change(2).VmId)?.DisableDynamicMemory);
        Assert.Null(after.Find("HV01", Change(3).VmId));
    }

    [Fact]
    public async Task The_apps_registration_keeps_pending_changes_in_the_database()
    {
        ServiceProvider Services() => new ServiceCollection()
            .AddLogging()
            .AddDashboardDatabase(Database.Settings)
            .AddNestedVirtualizationOperations()
            .BuildServiceProvider();

        using (var first = Services())
        {
            await first.GetRequiredService<PendingNestedChanges>().AddAsync(Change(7));
        }

        using var second = Services();
        // What the PendingChangeApplier does when the app starts.
        await second.GetRequiredService<PendingNestedChanges>().LoadAsync();

        Assert.Equal([Change(7)], second.GetRequiredService<PendingNestedChanges>().List());
        Assert.IsType<DatabasePendingChangeStore>(second.GetRequiredService<IPendingChangeStore>());
    }

    [Fact]
    public async Task A_save_the_database_refuses_keeps_the_previous_list_and_names_the_database()
    {
        var store = Store();
        await store.SaveAsync([Change(1), Change(2)]);

        // The same VM twice breaks the unique index after the old rows were deleted: all of it is rolled back.
        var error = await Assert.ThrowsAsync<DatabaseSaveException>(() => store.SaveAsync([Change(3), Change(3) with { VmName = "again" }]));

        Assert.Contains("pending change", error.Message, StringComparison.Ordinal);
        Assert.Contains(Database.Settings.Description, error.Message, StringComparison.Ordinal);
        Assert.Equal([Change(1), Change(2)], await Store().LoadAsync());
    }

    [Fact]
    public async Task A_change_that_cannot_be_saved_is_not_kept_pending()
    {
        var pending = new PendingNestedChanges(Store());
        await pending.AddAsync(Change(1));
        using (var db = Database.Factory.CreateDbContext())
        {
            db.Database.ExecuteSqlRaw("DROP TABLE \"PendingChanges\"");
        }

        await Assert.ThrowsAsync<DatabaseSaveException>(() => pending.AddAsync(Change(2)));

        Assert.Equal([Change(1)], pending.List());
    }

    [Fact]
    public async Task A_database_that_cannot_be_read_is_logged_by_name_and_the_app_starts_with_nothing_pending()
    {
        using (var db = Database.Factory.CreateDbContext())
        {
            db.Database.ExecuteSqlRaw("DROP TABLE \"PendingChanges\"");
        }

        var logger = new ListLogger<DatabasePendingChangeStore>();
        var pending = new PendingNestedChanges(Store(logger));
        await pending.LoadAsync();

        Assert.Empty(pending.List());
        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(Database.Settings.Description, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_adds_are_all_saved()
    {
        var pending = new PendingNestedChanges(Store());

        // 40 adds at once; they wait for the store's gate without holding a thread.
        await Task.WhenAll(Enumerable.Range(1, 40).Select(n => Task.Run(() => pending.AddAsync(Change(n, n % 2 == 0 ? "HV01" : "HV02")))));

        var reloaded = await Store().LoadAsync();
        Assert.Equal(40, reloaded.Count);
        Assert.Equal(pending.List(), reloaded);
    }

    [Fact]
    public async Task Concurrent_saves_on_one_store_end_with_one_writers_whole_list()
    {
        var store = Store();
        var writers = Enumerable.Range(1, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await store.SaveAsync([.. Enumerable.Range(1, w).Select(n => Change(n))]);
            }
        }));

        await Task.WhenAll(writers);

        var loaded = await Store().LoadAsync();
        Assert.InRange(loaded.Count, 1, 8);
        Assert.Equal(Enumerable.Range(1, loaded.Count).Select(n => Change(n)), loaded);
    }
}

public sealed class SqlitePendingChangeStoreTests : PendingChangeStoreTests
{
    protected override Task<ITestDatabase> CreateDatabaseAsync() => Task.FromResult<ITestDatabase>(new SqliteTestDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPendingChangeStoreTests(PostgresServer server) : PendingChangeStoreTests
{
    protected override async Task<ITestDatabase> CreateDatabaseAsync() => await server.CreateDatabaseAsync();
}
