using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>
/// Cluster mode's settings and its refusal at start: what an operator who sets <c>Cluster:Enabled=true</c> is told when the
/// database is not PostgreSQL, or PostgreSQL or Redis does not answer, and that a single instance needs none of it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterStartupTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-cluster-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_single_instance_needs_no_setting_and_is_named_by_its_machine_and_port()
    {
        var settings = ClusterSettings.From(Configuration(new() { ["urls"] = "http://127.0.0.1:5190;https://127.0.0.1:5191" }), out var problems);

        Assert.Empty(problems);
        Assert.False(settings.Enabled);
        Assert.Equal($"{Environment.MachineName}:5190", settings.InstanceId);
        Assert.Equal(TimeSpan.FromSeconds(8), settings.LeaseTime);
        Assert.Equal("nhv:lease:HV-01", settings.Key("lease", "HV-01"));
    }

    [Fact]
    public void Cluster_settings_are_read_and_each_bad_one_is_named()
    {
        var good = ClusterSettings.From(
            Configuration(new() { ["Cluster:Enabled"] = "true", ["Cluster:InstanceId"] = "mgmt-a", ["Cluster:LeaseSeconds"] = "5", ["Cluster:KeyPrefix"] = "lab1", ["ConnectionStrings:Redis"] = "127.0.0.1:6379" }),
            out var none);
        Assert.Empty(none);
        Assert.Equal((true, "mgmt-a", TimeSpan.FromSeconds(5), "lab1:vm:HV-01", "127.0.0.1:6379"), (good.Enabled, good.InstanceId, good.LeaseTime, good.Key("vm", "HV-01"), good.RedisConnectionString));

        ClusterSettings.From(Configuration(new() { ["Cluster:Enabled"] = "true" }), out var noRedis);
        Assert.Contains(noRedis, p => p.Contains("ConnectionStrings:Redis", StringComparison.Ordinal));

        var bad = ClusterSettings.From(
            Configuration(new() { ["Cluster:Enabled"] = "yes", ["Cluster:LeaseSeconds"] = "1", ["Cluster:KeyPrefix"] = "a b", ["Cluster:InstanceId"] = "has space" }),
            out var problems);
        Assert.False(bad.Enabled);
        Assert.Collection(
            problems.Order(),
            p => Assert.StartsWith("Cluster:Enabled 'yes'", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Cluster:InstanceId 'has space'", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Cluster:KeyPrefix 'a b'", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Cluster:LeaseSeconds '1'", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_single_instance_owns_every_host_and_passes_the_check_without_Redis()
    {
        await using var services = Services(new());

        Assert.Null(await services.CheckClusterAsync());
        Assert.Same(AlwaysOwned.Instance, services.GetRequiredService<IHostOwnership>());
        Assert.Null(services.GetService<StackExchange.Redis.IConnectionMultiplexer>());
    }

    [Fact]
    public async Task A_cluster_on_SQLite_is_refused_naming_the_database_setting()
    {
        await using var services = Services(new() { ["Cluster:Enabled"] = "true", ["ConnectionStrings:Redis"] = "127.0.0.1:1" });

        var problem = await services.CheckClusterAsync();

        Assert.NotNull(problem);
        Assert.Contains("Database:Provider=PostgreSQL", problem, StringComparison.Ordinal);
        Assert.Contains("SQLite file", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_whose_PostgreSQL_does_not_answer_is_refused_naming_it()
    {
        var closed = ClosedPort();
        await using var services = Services(new()
        {
            ["Cluster:Enabled"] = "true",
            ["ConnectionStrings:Redis"] = "127.0.0.1:1",
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Dashboard"] = $"Host=127.0.0.1;Port={closed};Database=nhv;Username=postgres",
        });

        var problem = await services.CheckClusterAsync();

        Assert.NotNull(problem);
        Assert.StartsWith($"Cluster:Enabled=true: the PostgreSQL database 'nhv' on 127.0.0.1:{closed} does not answer", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_whose_Redis_does_not_answer_is_refused_naming_it_and_one_that_answers_starts()
    {
        var database = await postgres.CreateDatabaseAsync();
        var closed = ClosedPort();
        await using (var services = Services(new()
        {
            ["Cluster:Enabled"] = "true",
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{closed},connectTimeout=500",
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Dashboard"] = database.Settings.ConnectionString,
        }))
        {
            var problem = await services.CheckClusterAsync();
            Assert.NotNull(problem);
            Assert.StartsWith($"Cluster:Enabled=true: Redis at 127.0.0.1:{closed} does not answer", problem, StringComparison.Ordinal);
        }

        await using var redis = await RedisServer.StartNewAsync();
        await using (var services = Services(new()
        {
            ["Cluster:Enabled"] = "true",
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Dashboard"] = database.Settings.ConnectionString,
        }))
        {
            Assert.Null(await services.CheckClusterAsync());
        }
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    // As Program.cs registers them: the database's settings and the cluster's.
    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["DataFolder"] = _folder;
        var configuration = Configuration(settings);
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(DataFolder.Of(configuration))
            .AddSingleton(configuration)
            .AddDashboardDatabase()
            .AddDashboardCluster(configuration)
            .BuildServiceProvider();
    }

    // A loopback port nobody listens on (taken, then freed).
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
