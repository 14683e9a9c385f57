using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Data;
using NestedHvDashboard.Web.Tests.Hosts;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>Cluster mode's Data Protection keys in the shared database: what one instance protects, another reads.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterKeysTests(PostgresServer server) : IDisposable
{
    private readonly string _folderA = Directory.CreateTempSubdirectory("nestedhv-cluster-a-").FullName;
    private readonly string _folderB = Directory.CreateTempSubdirectory("nestedhv-cluster-b-").FullName;

    public void Dispose()
    {
        Directory.Delete(_folderA, recursive: true);
        Directory.Delete(_folderB, recursive: true);
    }

    [Fact]
    public async Task A_password_protected_by_one_instance_is_read_by_another_on_the_same_database()
    {
        var database = await server.CreateDatabaseAsync();
        await using var a = Instance(database.Settings, _folderA);
        await using var b = Instance(database.Settings, _folderB);

        var secret = a.GetRequiredService<IDataProtectionProvider>().CreateProtector("host passwords").Protect("Host-Secret-Pa55-91");
        Assert.Equal("Host-Secret-Pa55-91", b.GetRequiredService<IDataProtectionProvider>().CreateProtector("host passwords").Unprotect(secret));

        // The key ring is in the database, not in either instance's data folder.
        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
        Assert.False(Directory.Exists(Path.Combine(_folderA, "keys")) && Directory.EnumerateFiles(Path.Combine(_folderA, "keys")).Any());
    }

    // As Program.cs registers them, for an instance of a cluster (Redis is not contacted by these registrations).
    private static ServiceProvider Instance(DatabaseSettings database, string folder)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataFolder"] = folder,
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Dashboard"] = database.ConnectionString,
            ["Cluster:Enabled"] = "true",
            ["ConnectionStrings:Redis"] = "127.0.0.1:6379",
        }).Build();
        var dataFolder = DataFolder.Of(configuration);
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(dataFolder)
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IHostConnector>(new FakeConnector())
            .AddDashboardDatabase()
            .AddHostConnections(dataFolder, configuration)
            .BuildServiceProvider();
    }
}
