using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace NestedHvDashboard.Web.Data;

/// <summary>
/// <c>NestedHvDashboard.Web backup --to &lt;folder&gt;</c> and <c>restore --from &lt;folder&gt;</c>: the database and the
/// Data Protection keys (without them the stored host passwords cannot be decrypted), read from the same settings the
/// dashboard runs with. SQLite is copied with SQLite's online backup, so a running dashboard can stay up; PostgreSQL
/// with <c>pg_dump</c>/<c>pg_restore</c> (found on PATH, in PostgreSQL's folders, or named by <c>--pg-bin</c>).
/// Restore wants the dashboard stopped. The install scripts in <c>deploy/</c> call both before and after an upgrade.
/// </summary>
public static class BackupVerb
{
    private const string SqliteFileName = "dashboard.db";
    private const string PostgresFileName = "dashboard.pgdump";
    private const string KeysFolder = "keys";
    private const string Manifest = "backup.txt";

    /// <summary>True when the command line asks for backup or restore instead of the dashboard.</summary>
    public static bool Matches(string[] args) =>
        args is { Length: > 0 } && (args[0].Equals("backup", StringComparison.OrdinalIgnoreCase) || args[0].Equals("restore", StringComparison.OrdinalIgnoreCase));

    /// <summary>Runs the verb; 0 done, 1 failed (the message says why), 2 a wrong command line.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var restore = args[0].Equals("restore", StringComparison.OrdinalIgnoreCase);
        var folder = OptionOf(args, restore ? "--from" : "--to");
        if (string.IsNullOrWhiteSpace(folder))
        {
            await output.WriteLineAsync(restore
                ? "usage: NestedHvDashboard.Web restore --from <backup folder> [--pg-bin <folder of pg_restore>] [--DataFolder <folder>] [--Section:Key value ...]"
                : "usage: NestedHvDashboard.Web backup --to <new folder> [--pg-bin <folder of pg_dump>] [--DataFolder <folder>] [--Section:Key value ...]");
            return 2;
        }

        try
        {
            var configuration = VerbConfiguration.Build(args);
            // The app's own options and validation: a setting the dashboard would refuse is refused here too, every one named.
            await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddDashboardDatabase().BuildServiceProvider();
            var dataFolder = services.GetRequiredService<DataFolder>();
            var settings = services.GetRequiredService<DatabaseSettings>();
            var pgBin = OptionOf(args, "--pg-bin");
            if (restore)
            {
                await RestoreAsync(Path.GetFullPath(folder), dataFolder, settings, pgBin, output);
            }
            else
            {
                await BackUpAsync(Path.GetFullPath(folder), dataFolder, settings, pgBin, output);
            }

            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or OptionsValidationException or IOException or UnauthorizedAccessException or SqliteException or NpgsqlException)
        {
            await output.WriteLineAsync($"{(restore ? "restore" : "backup")} failed: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Writes the database and the keys into <paramref name="target"/>, which must not exist yet or be empty.</summary>
    public static async Task BackUpAsync(string target, DataFolder dataFolder, DatabaseSettings settings, string? pgBin, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new InvalidOperationException($"The backup folder {target} is not empty; name a new one, so no earlier backup is overwritten.");
        }

        Directory.CreateDirectory(target);
        string database;
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            var source = settings.SqliteFile ?? throw new InvalidOperationException("The SQLite settings name no file.");
            if (!File.Exists(source))
            {
                throw new InvalidOperationException($"The SQLite file {source} does not exist: there is nothing to back up. Check DataFolder and Database:Path.");
            }

            // SQLite's online backup: a consistent copy even while the dashboard writes (WAL included).
            await using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(target, SqliteFileName), Pooling = false }.ToString()))
            {
                await from.OpenAsync();
                await to.OpenAsync();
                from.BackupDatabase(to);
            }

            database = $"sqlite {SqliteFileName} (from {source})";
        }
        else
        {
            var connection = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
            await RunPostgresToolAsync(pgBin, "pg_dump", connection, ["--format=custom", "--no-owner", "--file", Path.Combine(target, PostgresFileName)]);
            database = $"postgresql {PostgresFileName} (database {connection.Database} on {connection.Host}:{connection.Port})";
        }

        var keys = dataFolder.File(KeysFolder);
        var keyCount = CopyFolder(keys, Path.Combine(target, KeysFolder));
        await File.WriteAllLinesAsync(Path.Combine(target, Manifest),
        [
            $"version {DashboardVersion.Current}",
            $"taken {DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)}",
            $"database {database}",
            $"keys {keyCount}",
        ]);
        await output.WriteLineAsync($"Backed up the {settings.Description} and {keyCount} key file(s) to {target}.");
    }

    /// <summary>Puts the database and the keys of a backup made by <see cref="BackUpAsync"/> back; the dashboard must be stopped.</summary>
    public static async Task RestoreAsync(string source, DataFolder dataFolder, DatabaseSettings settings, string? pgBin, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(Path.Combine(source, Manifest)))
        {
            throw new InvalidOperationException($"{source} is not a dashboard backup: it has no {Manifest}.");
        }

        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            var backup = Path.Combine(source, SqliteFileName);
            if (!File.Exists(backup))
            {
                throw new InvalidOperationException($"The backup in {source} holds no {SqliteFileName}; it was taken from PostgreSQL, but the dashboard is set to SQLite now.");
            }

            var file = settings.SqliteFile ?? throw new InvalidOperationException("The SQLite settings name no file.");
            SqliteConnection.ClearAllPools();
            // Whatever a newer version wrote goes, with its write-ahead log, so the old file is read exactly as it was.
            foreach (var stale in new[] { file + "-wal", file + "-shm", file + "-journal" })
            {
                File.Delete(stale);
            }

            File.Copy(backup, file, overwrite: true);
        }
        else
        {
            var dump = Path.Combine(source, PostgresFileName);
            if (!File.Exists(dump))
            {
                throw new InvalidOperationException($"The backup in {source} holds no {PostgresFileName}; it was taken from SQLite, but the dashboard is set to PostgreSQL now.");
            }

            var connection = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
            await RunPostgresToolAsync(pgBin, "pg_restore", connection, ["--clean", "--if-exists", "--no-owner", "--single-transaction", dump]);
        }

        var keys = dataFolder.File(KeysFolder);
        var backupKeys = Path.Combine(source, KeysFolder);
        if (Directory.Exists(backupKeys))
        {
            // Keys are only ever added: keep any newer ones too, so nothing encrypted since the backup is lost.
            CopyFolder(backupKeys, keys);
        }

        await output.WriteLineAsync($"Restored the {settings.Description} and the keys from {source}.");
    }

    private static int CopyFolder(string from, string to)
    {
        if (!Directory.Exists(from))
        {
            return 0;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(to);
        }
        else
        {
            Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
            count++;
        }

        return count;
    }

    private static async Task RunPostgresToolAsync(string? pgBin, string tool, NpgsqlConnectionStringBuilder connection, IEnumerable<string> arguments)
    {
        var program = FindPostgresTool(pgBin, tool);
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("--host");
        start.ArgumentList.Add(connection.Host ?? "localhost");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(connection.Port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--dbname");
        start.ArgumentList.Add(connection.Database ?? throw new InvalidOperationException("ConnectionStrings:Dashboard names no database."));
        if (connection.Username is { Length: > 0 } user)
        {
            start.ArgumentList.Add("--username");
            start.ArgumentList.Add(user);
        }

        start.ArgumentList.Add("--no-password");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The password travels in the environment, never on the command line other accounts can read.
        if (connection.Password is { Length: > 0 } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        _ = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {(await error).Trim()}");
        }
    }

    private static string FindPostgresTool(string? pgBin, string tool)
    {
        var exe = OperatingSystem.IsWindows() ? tool + ".exe" : tool;
        if (!string.IsNullOrWhiteSpace(pgBin))
        {
            var named = Path.Combine(pgBin, exe);
            return File.Exists(named) ? named : throw new InvalidOperationException($"--pg-bin {pgBin} holds no {exe}.");
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, exe));
        var installed = new[] { "/usr/lib/postgresql", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "PostgreSQL") }
            .Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateDirectories(root).OrderByDescending(VersionOf))
            .Select(dir => Path.Combine(dir, "bin", exe));
        return onPath.Concat(installed).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{tool} was not found on PATH or in PostgreSQL's folders; install PostgreSQL's client tools or name their folder with --pg-bin.");
    }

    private static int VersionOf(string folder) => int.TryParse(Path.GetFileName(folder), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) ? version : 0;

    private static string? OptionOf(string[] args, string name)
    {
        for (var i = 1; i < args.Length - 1; i++)
        {
            if (args[i].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
