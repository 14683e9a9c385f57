using Microsoft.Data.Sqlite;
using NestedHvDashboard.Web.Data;
using Npgsql;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>
/// <c>backup --to</c> and <c>restore --from</c>, the install scripts' way to keep the database and the keys across an
/// upgrade and bring them back on a roll back: run as the app runs them, through <see cref="BackupVerb.RunAsync"/>.
/// </summary>
public sealed class BackupVerbTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nestedhv-backup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Data => Path.Combine(_root, "data");

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var code = await BackupVerb.RunAsync(args, output);
        return (code, output.ToString());
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> NamesAsync(string file)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM probe ORDER BY name";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    [Fact]
    public async Task A_SQLite_backup_taken_while_the_database_is_written_restores_that_state_and_the_keys()
    {
        Directory.CreateDirectory(Path.Combine(Data, "keys"));
        await File.WriteAllTextAsync(Path.Combine(Data, "keys", "key-1.xml"), "<key id='1'/>");
        var file = Path.Combine(Data, "dashboard.db");
        // A writer in WAL mode keeps its connection open, as the running dashboard does: the rows live in the -wal file.
        await using var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await writer.OpenAsync();
        await ExecuteAsync(writer, "PRAGMA journal_mode=WAL; CREATE TABLE probe(name TEXT); INSERT INTO probe VALUES ('before-1'), ('before-2');");

        var backup = Path.Combine(_root, "backup-1");
        var (code, output) = await RunAsync("backup", "--to", backup, "--DataFolder", Data);

        Assert.True(code == 0, output);
        Assert.Contains("1 key file(s)", output, StringComparison.Ordinal);
        Assert.Equal(["before-1", "before-2"], await NamesAsync(Path.Combine(backup, "dashboard.db")));
        Assert.Contains("database sqlite dashboard.db", await File.ReadAllTextAsync(Path.Combine(backup, "backup.txt")), StringComparison.Ordinal);

        // What a newer version would do after the backup: change the schema's data and add a key.
        await ExecuteAsync(writer, "DELETE FROM probe; INSERT INTO probe VALUES ('after');");
        await writer.CloseAsync();
        await File.WriteAllTextAsync(Path.Combine(Data, "keys", "key-2.xml"), "<key id='2'/>");
        File.Delete(Path.Combine(Data, "keys", "key-1.xml"));

        (code, output) = await RunAsync("restore", "--from", backup, "--DataFolder", Data);

        Assert.True(code == 0, output);
        Assert.Equal(["before-1", "before-2"], await NamesAsync(file));
        Assert.True(File.Exists(Path.Combine(Data, "keys", "key-1.xml")), "the backed-up key is back");
        Assert.True(File.Exists(Path.Combine(Data, "keys", "key-2.xml")), "a key made after the backup is kept");
    }

    [Fact]
    public async Task A_backup_into_a_folder_that_holds_files_is_refused_and_overwrites_nothing()
    {
        var file = Path.Combine(Data, "dashboard.db");
        Directory.CreateDirectory(Data);
        await using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()))
        {
            await db.OpenAsync();
            await ExecuteAsync(db, "CREATE TABLE probe(name TEXT);");
        }

        var earlier = Path.Combine(_root, "earlier");
        Directory.CreateDirectory(earlier);
        await File.WriteAllTextAsync(Path.Combine(earlier, "dashboard.db"), "an earlier backup");

        var (code, output) = await RunAsync("backup", "--to", earlier, "--DataFolder", Data);

        Assert.Equal(1, code);
        Assert.Contains($"The backup folder {earlier} is not empty", output, StringComparison.Ordinal);
        Assert.Equal("an earlier backup", await File.ReadAllTextAsync(Path.Combine(earlier, "dashboard.db")));
    }

    [Fact]
    public async Task A_restore_from_a_folder_that_is_not_a_backup_changes_nothing_and_says_so()
    {
        Directory.CreateDirectory(Data);
        var file = Path.Combine(Data, "dashboard.db");
        await File.WriteAllTextAsync(file, "untouched");
        var stray = Path.Combine(_root, "stray");
        Directory.CreateDirectory(stray);
        await File.WriteAllTextAsync(Path.Combine(stray, "dashboard.db"), "not a backup");

        var (code, output) = await RunAsync("restore", "--from", stray, "--DataFolder", Data);

        Assert.Equal(1, code);
        Assert.Contains($"{stray} is not a dashboard backup: it has no backup.txt", output, StringComparison.Ordinal);
        Assert.Equal("untouched", await File.ReadAllTextAsync(file));
    }

    [Theory]
    [InlineData("backup", "usage: NestedHvDashboard.Web backup --to <new folder>")]
    [InlineData("restore", "usage: NestedHvDashboard.Web restore --from <backup folder>")]
    public async Task Without_its_folder_the_verb_prints_its_usage(string verb, string usage)
    {
        var (code, output) = await RunAsync(verb, "--DataFolder", Data);

        Assert.Equal(2, code);
        Assert.StartsWith(usage, output, StringComparison.Ordinal);
    }
}

/// <summary>The same verbs on PostgreSQL: <c>pg_dump</c> in custom format, <c>pg_restore --clean</c> in one transaction.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackupVerbTests(PostgresServer server) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nestedhv-pgbackup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_PostgreSQL_backup_restores_the_rows_it_held()
    {
        var database = await server.CreateDatabaseAsync();
        var connection = database.Settings.ConnectionString;
        await ExecuteAsync(connection, "CREATE TABLE probe(name text); INSERT INTO probe VALUES ('before');");
        string[] settings = ["--DataFolder", Path.Combine(_root, "data"), "--Database:Provider", "PostgreSQL", "--ConnectionStrings:Dashboard", connection];
        var backup = Path.Combine(_root, "backup");

        using var output = new StringWriter();
        var code = await BackupVerb.RunAsync(["backup", "--to", backup, .. settings], output);
        Assert.True(code == 0, output.ToString());
        Assert.True(new FileInfo(Path.Combine(backup, "dashboard.pgdump")).Length > 0);

        await ExecuteAsync(connection, "DROP TABLE probe; CREATE TABLE added_by_newer(id int);");
        code = await BackupVerb.RunAsync(["restore", "--from", backup, .. settings], output);
        Assert.True(code == 0, output.ToString());

        await using var check = new NpgsqlConnection(connection);
        await check.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(name, ',') FROM probe", check);
        Assert.Equal("before", await command.ExecuteScalarAsync());
    }
}
