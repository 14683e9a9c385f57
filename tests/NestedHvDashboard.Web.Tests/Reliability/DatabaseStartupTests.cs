using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;

namespace NestedHvDashboard.Web.Tests.Reliability;

/// <summary>
/// The built app started as a process on a data folder whose dashboard.db is empty, damaged or read-only: it refuses to
/// start, with one line naming the file and the problem (no stack trace), and leaves the file as it was.
/// </summary>
public sealed class DatabaseStartupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-startup-").FullName;

    private string Database => Path.Combine(_folder, "dashboard.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_empty_database_file_is_refused_not_made_a_new_database()
    {
        await File.WriteAllBytesAsync(Database, []);

        var (code, output) = await RunAppAsync(_folder);

        Assert.NotEqual(0, code);
        var line = RefusalLine(output);
        Assert.Contains("is empty", line, StringComparison.Ordinal);
        Assert.Contains("backup", line, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(Database).Length);
    }

    [Fact]
    public async Task A_damaged_database_file_is_refused_in_one_line_and_left_as_it_was()
    {
        var garbage = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("this is not a SQLite database, a disk ate it. ", 200)));
        await File.WriteAllBytesAsync(Database, garbage);

        var (code, output) = await RunAppAsync(_folder);

        Assert.NotEqual(0, code);
        var line = RefusalLine(output);
        Assert.Contains("not a database", line, StringComparison.Ordinal);
        Assert.Contains("backup", line, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(Database));
    }

    [Fact]
    public async Task A_database_on_a_read_only_filesystem_is_refused_in_one_line()
    {
        using var filesystem = SmallFilesystem.Mount(8);
        var file = Path.Combine(filesystem.Path, "dashboard.db");
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE kept(x); INSERT INTO kept VALUES (1);";
            await command.ExecuteNonQueryAsync();
        }

        filesystem.MakeReadOnly();

        // The data folder (keys) stays writable: only the database is read-only.
        var (code, output) = await RunAppAsync(_folder, "--Database:Path", file);

        Assert.NotEqual(0, code);
        var line = RefusalLine(output, file);
        Assert.Contains("read", line, StringComparison.OrdinalIgnoreCase);
    }

    // Exactly one line names the file; no line of the output is a stack frame.
    private string RefusalLine(string output, string? file = null)
    {
        file ??= Database;
        var lines = output.Split('\n');
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        return Assert.Single(lines, l => l.Contains(file, StringComparison.Ordinal));
    }

    // The app as an operator starts it; one that does not stop by itself within a minute started on the file (the defect).
    private static async Task<(int Code, string Output)> RunAppAsync(string dataFolder, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        string[] arguments = [Path.Combine(AppContext.BaseDirectory, "NestedHvDashboard.Web.dll"), "--urls", "http://127.0.0.1:0", "--contentRoot", AppContext.BaseDirectory, "--DataFolder", dataFolder, .. settings];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"The app did not stop on its own within 60 s: it started on the database. Output:\n{await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }
}
