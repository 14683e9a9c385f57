using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Data;
namespace NestedHvDashboard.Deploy.Tests;

/// <summary>A linux-x64 release published once for the tests of <c>deploy/linux/install.sh</c>.</summary>
public sealed class PublishedRelease : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"nestedhv-release-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        var (code, output) = await Repo.RunAsync(Repo.Dotnet,
            ["publish", Repo.File("src", "NestedHvDashboard.Web", "NestedHvDashboard.Web.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", Folder, "-nologo", "-v", "q"],
            TimeSpan.FromMinutes(8));
        Assert.True(code == 0, $"dotnet publish failed ({code}):\n{output}");
        // Others (the service user) must read it, as they would read a release unpacked by root.
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>deploy/linux/install.sh</c> as root, in a temporary prefix, with a real system user and the real published app:
/// install, an upgrade that changes the database schema, a forced failed start that rolls back, and uninstall. No
/// systemd runs in the test sandbox, so the script starts the app directly (it says so, and the test checks it); the
/// systemd unit it writes is checked as a file. The app listens on 127.0.0.1 only and is stopped by its pid.
/// </summary>
public sealed class LinuxInstallTests(PublishedRelease release) : IClassFixture<PublishedRelease>, IAsyncLifetime
{
    private readonly string _prefix = Path.Combine(Path.GetTempPath(), $"nestedhv-prefix-{Guid.NewGuid():N}");
    private readonly string _user = "nhvt" + Guid.NewGuid().ToString("N")[..8];
    private readonly int _port = FreePort();

    private string Data => Path.Combine(_prefix, "var", "lib", "nestedhv-dashboard");

    private string PidFile => Path.Combine(_prefix, "run", "nestedhv-dashboard.pid");

    private string App => Path.Combine(_prefix, "opt", "nestedhv-dashboard");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_prefix);
        File.SetUnixFileMode(_prefix, (UnixFileMode)0b111_101_101);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (File.Exists(PidFile) && int.TryParse(await File.ReadAllTextAsync(PidFile), out var pid))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        await Repo.RunAsync("userdel", [_user], TimeSpan.FromSeconds(30));
        Directory.Delete(_prefix, recursive: true);
    }

    private Task<(int ExitCode, string Output)> ScriptAsync(params string[] arguments) =>
        Repo.RunAsync("bash", [Repo.File("deploy", "linux", "install.sh"), .. arguments, "--prefix", _prefix, "--user", _user, "--health-timeout", "120"], TimeSpan.FromMinutes(4));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The version of the build that answers /healthz (its X-NestedHv-Version header), after a 200.
    private async Task<string> HealthAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var answer = await client.GetAsync(new Uri($"http://127.0.0.1:{_port}/healthz"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return Assert.Single(answer.Headers.GetValues("X-NestedHv-Version"));
    }

    private static async Task<long> AppliedMigrationsAsync(string file)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The database as a release one migration older left it: the newest migration taken back with EF's own migrator.
    private async Task<long> TurnBackOneMigrationAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataFolder"] = Data }).Build();
        await using (var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddDashboardDatabase().BuildServiceProvider())
        await using (var db = await services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync())
        {
            var migrations = db.Database.GetMigrations().ToList();
            Assert.True(migrations.Count >= 2, "the app has one migration only: there is no older schema to upgrade from");
            await db.GetService<IMigrator>().MigrateAsync(migrations[^2]);
        }

        SqliteConnection.ClearAllPools();
        // Root touched the files: give them back to the service user.
        await Repo.RunAsync("chown", ["-R", $"{_user}:{_user}", Data], TimeSpan.FromSeconds(30));
        return await AppliedMigrationsAsync(Path.Combine(Data, "dashboard.db"));
    }

    private string Current() => Path.GetFileName(new DirectoryInfo(Path.Combine(App, "current")).ResolveLinkTarget(returnFinalTarget: true)!.FullName);

    private static long LastMigrationCount(string log)
    {
        var line = log.Split('\n').Last(l => l.Contains("migration(s) applied", StringComparison.Ordinal));
        var before = line[..line.IndexOf(" migration(s) applied", StringComparison.Ordinal)];
        return long.Parse(before[(before.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Install_upgrade_with_a_schema_change_a_failed_start_rolled_back_and_uninstall()
    {
        // Install.
        var (code, output) = await ScriptAsync("install", "--from", release.Folder, "--urls", $"http://127.0.0.1:{_port}");
        Assert.True(code == 0, output);
        Assert.Contains("systemd is not running here: started the dashboard directly", output, StringComparison.Ordinal);
        var version = DashboardVersion.Current;
        Assert.Equal(version, await HealthAsync());
        var pid = int.Parse(await File.ReadAllTextAsync(PidFile), System.Globalization.CultureInfo.InvariantCulture);
        var uid = (await Repo.RunAsync("id", ["-u", _user], TimeSpan.FromSeconds(10))).Output.Trim();
        Assert.Matches($@"(?m)^Uid:\s+{uid}\s", await File.ReadAllTextAsync($"/proc/{pid}/status"));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Data));
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(Path.Combine(_prefix, "etc", "nestedhv-dashboard", "admin-password")));
        var unit = await File.ReadAllTextAsync(Path.Combine(_prefix, "etc", "systemd", "system", "nestedhv-dashboard.service"));
        Assert.Contains($"User={_user}", unit, StringComparison.Ordinal);
        Assert.Contains("ProtectSystem=strict", unit, StringComparison.Ordinal);
        Assert.Contains($"ReadWritePaths={Data}", unit, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^CapabilityBoundingSet=$", unit);
        Assert.DoesNotContain("@", unit.Split('\n').Where(l => !l.StartsWith('#')).Aggregate("", string.Concat), StringComparison.Ordinal);
        var first = Current();

        // An upgrade from a release whose schema is one migration older: backed up as it was, then migrated.
        (code, output) = await ScriptAsync("stop");
        Assert.True(code == 0, output);
        var older = await TurnBackOneMigrationAsync();
        (code, output) = await ScriptAsync("upgrade", "--from", release.Folder);
        Assert.True(code == 0, output);
        Assert.Contains($"upgraded to version {version}", output, StringComparison.Ordinal);
        var backups = Directory.GetDirectories(Path.Combine(_prefix, "var", "backups", "nestedhv-dashboard"));
        var backup = Assert.Single(backups);
        Assert.Equal(older, await AppliedMigrationsAsync(Path.Combine(backup, "dashboard.db")));
        Assert.True(Directory.EnumerateFiles(Path.Combine(backup, "keys")).Any(), "the Data Protection keys are in the backup");
        Assert.Equal(older + 1, await AppliedMigrationsAsync(Path.Combine(Data, "dashboard.db")));
        Assert.Equal(version, await HealthAsync());
        var second = Current();
        Assert.NotEqual(first, second);

        // A release that migrates the database and then cannot start (its settings bind a port only root may).
        var broken = Path.Combine(_prefix, "broken-release");
        await Repo.RunAsync("cp", ["-a", release.Folder, broken], TimeSpan.FromMinutes(1));
        var settings = Path.Combine(broken, "appsettings.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(settings))!.AsObject();
        json["Kestrel"] = System.Text.Json.Nodes.JsonNode.Parse("""{ "Endpoints": { "Broken": { "Url": "http://127.0.0.1:1" } } }""");
        await File.WriteAllTextAsync(settings, json.ToJsonString());
        (code, output) = await ScriptAsync("stop");
        Assert.True(code == 0, output);
        Assert.Equal(older, await TurnBackOneMigrationAsync());
        var log = Path.Combine(_prefix, "var", "log", "nestedhv-dashboard", "console.log");
        var logBefore = (await File.ReadAllTextAsync(log)).Length;

        (code, output) = await ScriptAsync("upgrade", "--from", broken);

        Assert.NotEqual(0, code);
        Assert.Contains($"did not come up: rolling back to {second}", output, StringComparison.Ordinal);
        Assert.Contains($"rolled back to {second} with the database and keys of", output, StringComparison.Ordinal);
        Assert.Equal(second, Current());
        Assert.Equal(version, await HealthAsync());
        // The failed release migrated the database; the roll back put the backup back, so the old release, starting on
        // it, applied that migration again. Had the database been left as the failed release made it, it would apply none.
        var rollbackLog = (await File.ReadAllTextAsync(log))[logBefore..];
        Assert.Contains("Permission denied", rollbackLog, StringComparison.Ordinal);
        Assert.Equal(1, LastMigrationCount(rollbackLog));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(_prefix, "var", "backups", "nestedhv-dashboard")).Length);

        // Uninstall keeps the data; --remove-data removes it and the user.
        var running = int.Parse(await File.ReadAllTextAsync(PidFile), System.Globalization.CultureInfo.InvariantCulture);
        (code, output) = await ScriptAsync("uninstall");
        Assert.True(code == 0, output);
        Assert.False(Directory.Exists(App));
        Assert.True(File.Exists(Path.Combine(Data, "dashboard.db")));
        Assert.False(Directory.Exists($"/proc/{running}"), "the app was stopped");
        (code, output) = await ScriptAsync("uninstall", "--remove-data");
        Assert.True(code == 0, output);
        Assert.False(Directory.Exists(Data));
        Assert.NotEqual(0, (await Repo.RunAsync("id", ["-u", _user], TimeSpan.FromSeconds(10))).ExitCode);
    }

    [Fact]
    public async Task A_dry_run_says_what_it_would_do_and_changes_nothing()
    {
        var (code, output) = await ScriptAsync("install", "--from", release.Folder, "--dry-run");

        Assert.True(code == 0, output);
        Assert.Contains("would run: useradd --system", output, StringComparison.Ordinal);
        Assert.Contains($"would write {Path.Combine(_prefix, "etc", "nestedhv-dashboard", "env")}", output, StringComparison.Ordinal);
        Assert.Contains($"would start", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
        Assert.NotEqual(0, (await Repo.RunAsync("id", ["-u", _user], TimeSpan.FromSeconds(10))).ExitCode);
    }

    [Theory]
    [InlineData("--user", "Bad User", "--user 'Bad User' is not a valid system user name")]
    [InlineData("--from", "/nonexistent/release", "--from /nonexistent/release does not exist")]
    [InlineData("--cert", "/etc/hostname", "--cert and --key go together")]
    [InlineData("--health-timeout", "soon", "--health-timeout 'soon' is not a number of seconds")]
    public async Task A_wrong_option_is_named_and_nothing_is_installed(string option, string value, string message)
    {
        string[] arguments = option == "--from" ? ["install", "--from", value] : ["install", "--from", release.Folder, option, value];

        var (code, output) = await Repo.RunAsync("bash", [Repo.File("deploy", "linux", "install.sh"), .. arguments, "--prefix", _prefix, .. option == "--user" ? Array.Empty<string>() : ["--user", _user]], TimeSpan.FromMinutes(1));

        Assert.NotEqual(0, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_prefix));
    }

    [Fact]
    public async Task A_build_folder_is_not_taken_for_a_release()
    {
        var build = Path.Combine(_prefix, "build");
        Directory.CreateDirectory(build);
        File.Copy(Path.Combine(release.Folder, "NestedHvDashboard.Web.dll"), Path.Combine(build, "NestedHvDashboard.Web.dll"));

        var (code, output) = await ScriptAsync("install", "--from", build);

        Assert.NotEqual(0, code);
        Assert.Contains($"{build} has no wwwroot folder: it is a build, not a published release", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(App));
    }
}
