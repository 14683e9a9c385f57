using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>
/// The HostSettingsJson migration: rows the hand-serialized <c>SettingsJson</c> column held (the JSON the store wrote before
/// EF Core's JSON mapping) read back whole after it, and its Down gives the earlier store's shape again; SQLite and PostgreSQL.
/// </summary>
public abstract class HostSettingsMigrationTests : DatabaseTestBase
{
    private const string Before = "AuditRepeatCount";

    // Exactly what the earlier store wrote: System.Text.Json, web defaults, enums by name, nulls left out, the name inside.
    private const string WinRmJson =
        """{"name":"hv01","address":"hv01.lab.example","transport":"WinRm","port":5986,"useHttps":true,"authentication":"Negotiate","userName":"LAB\\dashboard","skipCertificateChecks":true,"tags":["rack-a","prod"],"timeout":"00:00:45","maxConcurrency":6}""";

    private const string SshJson =
        """{"name":"hv02","address":"10.0.0.2","transport":"Ssh","useHttps":false,"authentication":"Default","userName":"labadmin","keyFilePath":"/etc/nestedhv/id_ed25519","knownHostsFile":"/etc/nestedhv/known_hosts","skipCertificateChecks":false,"tags":[],"timeout":"00:00:30","maxConcurrency":4,"parentHost":"hv01","parentVmId":"5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}""";

    private static readonly HostConnectionSettings WinRm = new()
    {
        Name = "hv01",
        Address = "hv01.lab.example",
        Transport = HostTransport.WinRm,
        Port = 5986,
        UseHttps = true,
        Authentication = WinRmAuthentication.Negotiate,
        UserName = "LAB\\dashboard",
        Password = "Sup3r-Secret-Pa55!",
        SkipCertificateChecks = true,
        Tags = ["rack-a", "prod"],
        Timeout = TimeSpan.FromSeconds(45),
        MaxConcurrency = 6,
    };

    private static readonly HostConnectionSettings Ssh = new()
    {
        Name = "hv02",
        Address = "10.0.0.2",
        Transport = HostTransport.Ssh,
        UserName = "labadmin",
        KeyFilePath = "/etc/nestedhv/id_ed25519",
        KnownHostsFile = "/etc/nestedhv/known_hosts",
        ParentHost = "hv01",
        ParentVmId = Guid.Parse("5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
    };

    private HostConnectionStore NewStore() =>
        new(Database.Factory, Database.Settings, TestStores.Keys(KeyFolder), NullLogger<HostConnectionStore>.Instance);

    [Fact]
    public async Task Rows_stored_before_the_json_mapping_read_back_whole_after_the_migration()
    {
        await MigrateAsync(Before);
        var password = TestStores.Keys(KeyFolder).CreateProtector("NestedHvDashboard.HostConnections.Password.v1").Protect(WinRm.Password!);
        await InsertOldRowAsync("hv01", WinRmJson, password, 0);
        await InsertOldRowAsync("hv02", SshJson, null, 1);
        await InsertOldRowAsync("hv-bad", "{ \"name\": ", null, 2);

        await MigrateAsync(null);
        var store = NewStore();
        var loaded = await store.LoadAsync();

        Assert.Equal(2, loaded.Count);
        AssertSame(WinRm, loaded[0]);
        AssertSame(Ssh, loaded[1]);
        Assert.Contains("hv-bad", store.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_gives_the_earlier_stores_json_back_with_the_name_inside()
    {
        await NewStore().SaveAsync([WinRm]);

        await MigrateAsync(Before);

        await using var db = await Database.Factory.CreateDbContextAsync();
        var json = Assert.Single(await db.Database.SqlQueryRaw<string>("SELECT \"SettingsJson\" AS \"Value\" FROM \"Hosts\"").ToListAsync());
        Assert.Contains("\"name\"", json, StringComparison.Ordinal);
        Assert.Contains("hv01", json, StringComparison.Ordinal);
        Assert.Contains("\"WinRm\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(WinRm.Password!, json, StringComparison.Ordinal);
        await MigrateAsync(null);
    }

    private static void AssertSame(HostConnectionSettings expected, HostConnectionSettings actual)
    {
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected with { Tags = actual.Tags }, actual);
    }

    // null: every migration.
    private async Task MigrateAsync(string? target)
    {
        await using var db = await Database.Factory.CreateDbContextAsync();
        await db.GetService<IMigrator>().MigrateAsync(target);
    }

    private async Task InsertOldRowAsync(string name, string json, string? protectedPassword, int position)
    {
        await using var db = await Database.Factory.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"Hosts\" (\"Name\", \"NormalizedName\", \"SettingsJson\", \"ProtectedPassword\", \"Position\", \"UpdatedAt\") VALUES ({0}, {1}, {2}, {3}, {4}, {5})",
            name, name.ToUpperInvariant(), json, protectedPassword ?? "", position, DateTime.UtcNow);
        if (protectedPassword is null)
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE \"Hosts\" SET \"ProtectedPassword\" = NULL WHERE \"Name\" = {0}", name);
        }
    }
}

public sealed class SqliteHostSettingsMigrationTests : HostSettingsMigrationTests
{
    protected override Task<ITestDatabase> CreateDatabaseAsync() => Task.FromResult<ITestDatabase>(new SqliteTestDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHostSettingsMigrationTests(PostgresServer server) : HostSettingsMigrationTests
{
    protected override async Task<ITestDatabase> CreateDatabaseAsync() => await server.CreateDatabaseAsync();
}
