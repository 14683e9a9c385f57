using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Hosts;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>The app's start-up on an empty PostgreSQL database: every migration applied, earlier files imported.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStartupTests(PostgresServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-pgstart-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // As Program.cs registers them, from the same settings a deployment would give.
    private ServiceProvider App(DatabaseSettings database)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataFolder"] = _folder,
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Dashboard"] = database.ConnectionString,
        }).Build();
        var folder = DataFolder.Of(configuration);
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(folder)
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IHostConnector>(new FakeConnector())
            .AddDashboardDatabase()
            .AddHostConnections(folder, configuration)
            .BuildServiceProvider();
    }

    [Fact]
    public async Task Start_up_migrates_an_empty_database_imports_the_earlier_hosts_and_a_second_start_changes_nothing()
    {
        var database = await server.CreateDatabaseAsync(migrate: false);
        await File.WriteAllTextAsync(Path.Combine(_folder, HostConnectionStore.FileName), """
            { "version": 1, "hosts": [ { "connection": { "name": "hv01", "address": "hv01.lab.example", "transport": "Ssh", "userName": "labadmin" } } ] }
            """);
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            Assert.NotEmpty(db.Database.GetMigrations());
            Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
        }

        await using (var app = App(database.Settings))
        {
            Assert.Equal(DatabaseProvider.PostgreSql, app.GetRequiredService<DatabaseSettings>().Provider);
            await app.InitializeDashboardDatabaseAsync();
        }

        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            Assert.Equal("hv01", (await db.Hosts.SingleAsync()).Name);
            Assert.Equal(0, await db.Users.CountAsync());
        }

        await using (var again = App(database.Settings))
        {
            await again.InitializeDashboardDatabaseAsync();
            var store = again.GetRequiredService<HostConnectionStore>();
            var host = Assert.Single(await store.LoadAsync());
            Assert.Equal(("hv01", HostTransport.Ssh, "labadmin"), (host.Name, host.Transport, host.UserName));
            await store.SaveAsync([host, new HostConnectionSettings { Name = "hv02", Address = "hv02.lab.example", Password = "pw" }]);
            Assert.Equal("pw", (await again.GetRequiredService<HostConnectionStore>().LoadAsync())[1].Password);
        }
    }
}
