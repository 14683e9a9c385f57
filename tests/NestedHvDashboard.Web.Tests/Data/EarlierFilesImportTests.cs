using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Hosts;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>
/// The files earlier versions kept in the data folder, written here in their exact shape (as HostConnectionStore,
/// GuestCredentialStore and PendingChangesFile wrote them), are brought into the database once.
/// </summary>
public sealed class EarlierFilesImportTests : IDisposable
{
    private const string HostPassword = "Sup3r-Secret-Pa55!";
    private const string GuestPassword = "Guest-Pa55-word!";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 7, 30, 5, TimeSpan.Zero);
    private static readonly Guid VmId = Guid.Parse("11111111-2222-3333-4444-555555555555");

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-import-").FullName;
    private readonly ListLogger<EarlierFilesImport> _log = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private DatabaseSettings Settings => TestStores.SqliteIn(_folder);

    private IDbContextFactory<DashboardDbContext> Database => TestStores.Migrated(Settings);

    private Task ImportAsync() => new EarlierFilesImport(new DataFolder(_folder), Database, new FixedTime(Now), _log).RunAsync(CancellationToken.None);

    private string Imported(string name) => Path.Combine(_folder, $"{name}.imported-20261126T073005Z");

    // Ciphertext as the earlier stores made it: the app's key ring in <data>/keys, their purpose strings.
    private string Protect(string purpose, string secret) => TestStores.Keys(_folder).CreateProtector(purpose).Protect(secret);

    private string HostsFile() => $$"""
        {
          "version": 1,
          "hosts": [
            {
              "connection": {
                "name": "hv01",
                "address": "hv01.lab.example",
                "transport": "WinRm",
                "port": 5986,
                "useHttps": true,
                "authentication": "Negotiate",
                "userName": "LAB\\dashboard",
                "skipCertificateChecks": true,
                "tags": [
                  "rack-a",
                  "prod"
                ],
                "timeout": "00:00:45",
                "maxConcurrency": 6
              },
              "protectedPassword": "{{Protect("NestedHvDashboard.HostConnections.Password.v1", HostPassword)}}"
            },
            {
              "connection": {
                "name": "hv02",
                "address": "10.0.0.2",
                "transport": "Ssh",
                "authentication": "Default",
                "userName": "labadmin",
                "keyFilePath": "/etc/nestedhv/id_ed25519",
                "skipCertificateChecks": false,
                "tags": [],
                "timeout": "00:00:30",
                "maxConcurrency": 4,
                "parentHost": "hv01",
                "parentVmId": "5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
              }
            }
          ]
        }
        """;

    private string CredentialsFile() => $$"""
        {
          "version": 1,
          "credentials": {
            "HV01/{{VmId:D}}": {
              "userName": "Administrator",
              "protectedPassword": "{{Protect("NestedHvDashboard.GuestCredentials.Password.v1", GuestPassword)}}"
            }
          }
        }
        """;

    private static readonly PendingNestedChange Pending = new("hv-b", VmId, "vm 'one'", true, true, new DateTimeOffset(2026, 11, 25, 9, 15, 0, TimeSpan.Zero), DisableDynamicMemory: true);

    private const string PendingFile = """
        {
          "version": 1,
          "changes": [
            {
              "hostName": "hv-b",
              "vmId": "11111111-2222-3333-4444-555555555555",
              "vmName": "vm 'one'",
              "enable": true,
              "enableMacAddressSpoofing": true,
              "requestedAt": "2026-11-25T09:15:00+00:00",
              "disableDynamicMemory": true
            }
          ]
        }
        """;

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_folder, name), content);

    private HostConnectionStore Hosts() => new(Database, Settings, TestStores.Keys(_folder), NullLogger<HostConnectionStore>.Instance);

    [Fact]
    public async Task Every_earlier_file_is_imported_with_its_passwords_still_readable_and_renamed()
    {
        Write(HostConnectionStore.FileName, HostsFile());
        Write(GuestCredentialStore.FileName, CredentialsFile());
        Write(DatabasePendingChangeStore.FileName, PendingFile);

        await ImportAsync();

        var hosts = await Hosts().LoadAsync();
        Assert.Equal(["hv01", "hv02"], hosts.Select(h => h.Name));
        Assert.Equal(HostPassword, hosts[0].Password);
        Assert.Equal((HostTransport.WinRm, 5986, WinRmAuthentication.Negotiate, TimeSpan.FromSeconds(45), 6), (hosts[0].Transport, hosts[0].Port, hosts[0].Authentication, hosts[0].Timeout, hosts[0].MaxConcurrency));
        Assert.Equal(["rack-a", "prod"], hosts[0].Tags);
        Assert.Equal((HostTransport.Ssh, "hv01", Guid.Parse("5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), (string?)null), (hosts[1].Transport, hosts[1].ParentHost, hosts[1].ParentVmId, hosts[1].Password));

        var credentials = new GuestCredentialStore(Database, Settings, TestStores.Keys(_folder), NullLogger<GuestCredentialStore>.Instance);
        Assert.Equal(new GuestCredential("Administrator", GuestPassword), await credentials.FindAsync("hv01", VmId));

        Assert.Equal([Pending], await new DatabasePendingChangeStore(Database, Settings, NullLogger<DatabasePendingChangeStore>.Instance).LoadAsync());

        foreach (var name in (string[])[HostConnectionStore.FileName, GuestCredentialStore.FileName, DatabasePendingChangeStore.FileName])
        {
            Assert.False(File.Exists(Path.Combine(_folder, name)), name);
            Assert.True(File.Exists(Imported(name)), name);
        }

        Assert.Equal(3, _log.Entries.Count(e => e.Level == LogLevel.Information && e.Message.Contains("Imported", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Only_entries_not_already_in_the_database_are_imported()
    {
        await Hosts().SaveAsync([new HostConnectionSettings { Name = "HV01", Address = "kept.lab.example" }, new HostConnectionSettings { Name = "hv00", Address = "hv00.lab.example" }]);
        await new DatabasePendingChangeStore(Database, Settings, NullLogger<DatabasePendingChangeStore>.Instance).SaveAsync([Pending with { VmName = "kept", HostName = "HV-B" }]);
        Write(HostConnectionStore.FileName, HostsFile());
        Write(DatabasePendingChangeStore.FileName, PendingFile);

        await ImportAsync();

        var hosts = await Hosts().LoadAsync();
        Assert.Equal(["HV01", "hv00", "hv02"], hosts.Select(h => h.Name));
        Assert.Equal("kept.lab.example", hosts[0].Address);
        Assert.Equal("kept", Assert.Single(await new DatabasePendingChangeStore(Database, Settings, NullLogger<DatabasePendingChangeStore>.Instance).LoadAsync()).VmName);
        Assert.Contains(_log.Entries, e => e.Message.Contains("1 added, 1 already there", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Importing_again_changes_nothing_once_the_files_are_renamed()
    {
        Write(HostConnectionStore.FileName, HostsFile());
        await ImportAsync();
        await Hosts().SaveAsync([.. (await Hosts().LoadAsync()).Where(h => h.Name == "hv02")]);

        await ImportAsync();

        Assert.Equal(["hv02"], (await Hosts().LoadAsync()).Select(h => h.Name));
        Assert.Single(Directory.GetFiles(_folder, "hosts.json*"));
    }

    [Theory]
    [InlineData(HostConnectionStore.FileName, "{ \"hosts\": [ { \"connection\": ")]
    [InlineData(HostConnectionStore.FileName, "{ \"version\": 1, \"hosts\": [ { \"protectedPassword\": \"x\" } ] }")]
    [InlineData(GuestCredentialStore.FileName, "{ not json")]
    [InlineData(GuestCredentialStore.FileName, "{ \"version\": 1, \"credentials\": { \"HV01\": { \"userName\": \"a\", \"protectedPassword\": \"b\" } } }")]
    [InlineData(DatabasePendingChangeStore.FileName, "null")]
    [InlineData(DatabasePendingChangeStore.FileName, "{\"version\":99,\"changes\":[]}")]
    [InlineData(DatabasePendingChangeStore.FileName, "{\"version\":1,\"changes\":[null]}")]
    public async Task A_file_that_cannot_be_read_is_logged_by_name_left_in_place_and_the_others_still_imported(string name, string content)
    {
        Write(HostConnectionStore.FileName, HostsFile());
        Write(GuestCredentialStore.FileName, CredentialsFile());
        Write(DatabasePendingChangeStore.FileName, PendingFile);
        Write(name, content);

        await ImportAsync();

        var path = Path.Combine(_folder, name);
        Assert.Equal(content, await File.ReadAllTextAsync(path));
        var error = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Error);
        Assert.Equal(2, Directory.GetFiles(_folder, "*.imported-*").Length);
        await using var db = await Database.CreateDbContextAsync();
        Assert.Equal(name == HostConnectionStore.FileName ? 0 : 2, await db.Hosts.CountAsync());
        Assert.Equal(name == GuestCredentialStore.FileName ? 0 : 1, await db.GuestCredentials.CountAsync());
        Assert.Equal(name == DatabasePendingChangeStore.FileName ? 0 : 1, await db.PendingChanges.CountAsync());
    }

    [Fact]
    public async Task The_apps_start_up_migrates_then_imports_before_the_hosts_are_read()
    {
        Write(HostConnectionStore.FileName, HostsFile());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataFolder"] = _folder }).Build();
        var folder = DataFolder.Of(configuration);
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(folder)
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IHostConnector>(new FakeConnector())
            .AddDashboardDatabase()
            .AddHostConnections(folder, configuration)
            .BuildServiceProvider();

        await services.InitializeDashboardDatabaseAsync();

        Assert.True(File.Exists(Path.Combine(_folder, "dashboard.db")));
        Assert.Single(Directory.GetFiles(_folder, "hosts.json.imported-*"));
        Assert.False(File.Exists(Path.Combine(_folder, HostConnectionStore.FileName)));
        var directory = services.GetRequiredService<HostDirectory>();
        await directory.LoadAsync(); // what the HostDirectoryLoader does when the app's hosted services start
        Assert.Equal(["hv01", "hv02"], directory.Hosts.Select(h => h.Name));
        Assert.Equal(HostPassword, directory.Hosts[0].Settings.Password);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
