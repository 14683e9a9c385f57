using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Hosts;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>The hosts added in the UI, in the database; the same tests on SQLite and on PostgreSQL.</summary>
public abstract class HostConnectionStoreTests : DatabaseTestBase
{
    private const string Password = "Sup3r-Secret-Pa55!";

    private HostConnectionStore NewStore(ILogger<HostConnectionStore>? logger = null) =>
        new(Database.Factory, Database.Settings, TestStores.Keys(KeyFolder), logger ?? NullLogger<HostConnectionStore>.Instance);

    private static HostConnectionSettings WinRm => new()
    {
        Name = "hv01",
        Address = "hv01.lab.example",
        Transport = HostTransport.WinRm,
        Port = 5986,
        UseHttps = true,
        Authentication = WinRmAuthentication.Negotiate,
        UserName = "LAB\\dashboard",
        Password = Password,
        SkipCertificateChecks = true,
        Tags = ["rack-a", "prod"],
        Timeout = TimeSpan.FromSeconds(45),
        MaxConcurrency = 6,
    };

    private static HostConnectionSettings Ssh => new()
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

    // The settings column as the database holds it.
    private async Task<List<string>> RawSettingsAsync()
    {
        await using var db = await Database.Factory.CreateDbContextAsync();
        var query = Database.Settings.Provider == DatabaseProvider.PostgreSql
            ? "SELECT \"Settings\"::text AS \"Value\" FROM \"Hosts\" ORDER BY \"Position\""
            : "SELECT \"Settings\" AS \"Value\" FROM \"Hosts\" ORDER BY \"Position\"";
        return await db.Database.SqlQueryRaw<string>(query).ToListAsync();
    }

    // The rows' own columns (not the settings: a row whose settings cannot be read must still be listed).
    private List<Row> Rows()
    {
        using var db = Database.Factory.CreateDbContext();
        return [.. db.Hosts.AsNoTracking().OrderBy(h => h.Position).Select(h => new Row(h.Name, h.NormalizedName, h.ProtectedPassword))];
    }

    private sealed record Row(string Name, string NormalizedName, string? ProtectedPassword);

    [Fact]
    public async Task The_password_never_reaches_the_database_in_plain_text()
    {
        await NewStore().SaveAsync([WinRm, Ssh]);

        var rows = Rows();
        Assert.Equal(["hv01", "hv02"], rows.Select(r => r.Name));
        var settings = await RawSettingsAsync();
        Assert.All(settings, json => Assert.DoesNotContain(Password, json, StringComparison.Ordinal));
        Assert.Contains("hv01.lab.example", settings[0], StringComparison.Ordinal);
        Assert.NotNull(rows[0].ProtectedPassword);
        Assert.DoesNotContain(Password, rows[0].ProtectedPassword!, StringComparison.Ordinal);
        Assert.Null(rows[1].ProtectedPassword);
        Assert.Equal("HV01", rows[0].NormalizedName);
    }

    [Fact]
    public async Task A_restart_reads_back_every_setting_with_the_password_decrypted()
    {
        await NewStore().SaveAsync([WinRm, Ssh]);

        var loaded = await NewStore().LoadAsync();

        Assert.Equal(2, loaded.Count);
        var winrm = loaded[0];
        Assert.Equal(WinRm with { Tags = winrm.Tags }, winrm);
        Assert.Equal(WinRm.Tags, winrm.Tags);
        Assert.Equal(Ssh with { Tags = loaded[1].Tags }, loaded[1]);
        Assert.Null(loaded[1].Password);
        Assert.Equal(("hv01", Ssh.ParentVmId), (loaded[1].ParentHost, loaded[1].ParentVmId));
        Assert.Null(winrm.ParentHost);
    }

    [Fact]
    public async Task A_save_replaces_the_whole_list_in_its_order()
    {
        var store = NewStore();
        var third = Ssh with { Name = "hv03", Address = "10.0.0.3" };
        await store.SaveAsync([WinRm, Ssh, third]);

        // hv01 removed, hv02 edited, hv03 first, a new hv04 last; a case-only rename keeps its row.
        await store.SaveAsync([third with { Name = "HV03" }, Ssh with { Address = "10.0.0.22" }, WinRm with { Name = "hv04" }]);

        var loaded = await NewStore().LoadAsync();
        Assert.Equal(["HV03", "hv02", "hv04"], loaded.Select(h => h.Name));
        Assert.Equal("10.0.0.22", loaded[1].Address);
        Assert.Equal(Password, loaded[2].Password);
        Assert.Equal(3, Rows().Count);
    }

    [Fact]
    public async Task Nothing_stored_is_no_host_and_no_problem()
    {
        var store = NewStore();

        Assert.Empty(await store.LoadAsync());
        Assert.Null(store.Problem);
    }

    [Fact]
    public async Task A_save_the_database_refuses_keeps_the_previous_hosts_and_names_the_database()
    {
        var store = NewStore();
        await store.SaveAsync([WinRm, Ssh]);

        // Two hosts whose names differ only in case break the unique index after hv01 and hv02 were already removed.
        var error = await Assert.ThrowsAsync<DatabaseSaveException>(() => store.SaveAsync([Ssh with { Name = "hv05" }, Ssh with { Name = "HV05" }]));

        Assert.IsAssignableFrom<IOException>(error);
        Assert.Contains("host connections", error.Message, StringComparison.Ordinal);
        Assert.Contains(Database.Settings.Description, error.Message, StringComparison.Ordinal);
        Assert.Equal(["hv01", "hv02"], (await NewStore().LoadAsync()).Select(h => h.Name));
    }

    [Fact]
    public async Task A_directory_reports_a_failed_save_naming_the_database_and_keeps_its_hosts()
    {
        var store = NewStore();
        await store.SaveAsync([WinRm]);
        await using var directory = await HostDirectory.CreateAsync(new ConfigurationBuilder().Build(), NullLogger<HostDirectory>.Instance, store: store, connector: new FakeConnector());
        await using (var db = await Database.Factory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE \"Hosts\"");
        }

        var added = await directory.AddAsync(new HostForm { Name = "hv09", Address = "hv09.lab.example" });

        var message = Assert.Single(added.Errors).Message;
        Assert.Contains($"Could not save the host connections to the {Database.Settings.Description}", message, StringComparison.Ordinal);
        Assert.Equal(["hv01"], directory.Hosts.Select(h => h.Name));
    }

    [Fact]
    public async Task A_host_whose_settings_cannot_be_read_is_logged_left_out_and_kept()
    {
        await NewStore().SaveAsync([WinRm]);
        await using (var db = await Database.Factory.CreateDbContextAsync())
        {
            // A JSON string, not the settings object: what the migration keeps of a row whose text was not JSON.
            var insert = Database.Settings.Provider == DatabaseProvider.PostgreSql
                ? "INSERT INTO \"Hosts\" (\"Name\", \"NormalizedName\", \"Settings\", \"Position\", \"UpdatedAt\") VALUES ({0}, {1}, CAST({2} AS jsonb), 1, {3})"
                : "INSERT INTO \"Hosts\" (\"Name\", \"NormalizedName\", \"Settings\", \"Position\", \"UpdatedAt\") VALUES ({0}, {1}, {2}, 1, {3})";
            await db.Database.ExecuteSqlRawAsync(insert, "hv-bad", "HV-BAD", "\"{ \\\"name\\\": \"", DateTime.UtcNow);
        }

        var logger = new ListLogger<HostConnectionStore>();
        var store = NewStore(logger);
        await using var directory = await HostDirectory.CreateAsync(new ConfigurationBuilder().Build(), NullLogger<HostDirectory>.Instance, store: store, connector: new FakeConnector());

        Assert.Equal(["hv01"], directory.Hosts.Select(h => h.Name));
        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("hv-bad", error.Message, StringComparison.Ordinal);
        Assert.Contains(Database.Settings.Description, error.Message, StringComparison.Ordinal);
        Assert.Contains("hv-bad", directory.StoreProblem, StringComparison.Ordinal);

        // Saving the others leaves the unreadable row for a person to look at.
        var added = await directory.AddAsync(new HostForm { Name = "hv09", Address = "hv09.lab.example" });
        Assert.True(added.Succeeded, string.Join(" ", added.Errors));
        Assert.Equal(["hv01", "hv09"], (await NewStore().LoadAsync()).Select(h => h.Name));
        Assert.Contains(Rows(), r => r.Name == "hv-bad");
    }

    [Fact]
    public async Task A_password_the_keys_cannot_decrypt_is_dropped_with_a_warning_and_the_host_kept()
    {
        await NewStore().SaveAsync([WinRm]);
        Directory.Delete(KeyFolder, recursive: true);
        var logger = new ListLogger<HostConnectionStore>();

        var loaded = Assert.Single(await NewStore(logger).LoadAsync());

        Assert.Equal("hv01", loaded.Name);
        Assert.Null(loaded.Password);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("hv01", warning.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteHostConnectionStoreTests : HostConnectionStoreTests
{
    protected override Task<ITestDatabase> CreateDatabaseAsync() => Task.FromResult<ITestDatabase>(new SqliteTestDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHostConnectionStoreTests(PostgresServer server) : HostConnectionStoreTests
{
    protected override async Task<ITestDatabase> CreateDatabaseAsync() => await server.CreateDatabaseAsync();
}
