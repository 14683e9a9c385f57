using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Web.Data;
using Npgsql;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: <c>initdb</c> in a temporary folder, <c>postgres</c> on 127.0.0.1 and a
/// free port, run as the <c>postgres</c> account when the tests run as root (the server refuses root). Stopped by the pid
/// it was started with, and its folder deleted. Each test gets a database of its own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"nestedhv-pg-{Guid.NewGuid():N}");
    private readonly StringBuilder _output = new();
    private Process? _server;
    private int _port;

    /// <summary>The superuser's connection string to the <c>postgres</c> database.</summary>
    public string AdminConnectionString => Connection("postgres");

    public async Task InitializeAsync()
    {
        var bin = FindBinaries();
        var initdb = await RunToEndAsync(Path.Combine(bin, "initdb"), ["-D", _folder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        Assert.True(initdb.ExitCode == 0, $"initdb failed ({initdb.ExitCode}): {initdb.Output}");

        _port = FreePort();
        _server = Start(Path.Combine(bin, "postgres"), ["-D", _folder, "-h", "127.0.0.1", "-p", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _folder, "-c", "fsync=off"]);

        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            Assert.False(_server.HasExited, $"postgres exited with {(_server.HasExited ? _server.ExitCode : 0)}: {Output}");
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            // SIGINT is PostgreSQL's "fast shutdown"; only this pid is signalled.
            using (var signal = Process.Start("kill", ["-INT", _server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(Patience);
            try
            {
                await _server.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _server.Kill(entireProcessTree: true);
                await _server.WaitForExitAsync();
            }
        }

        _server?.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A new, empty database with the migrations applied (or not, to test that the app applies them).</summary>
    public async Task<PostgresTestDatabase> CreateDatabaseAsync(bool migrate = true)
    {
        var name = $"test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var settings = new DatabaseSettings(DatabaseProvider.PostgreSql, Connection(name), $"PostgreSQL database '{name}' on 127.0.0.1:{_port}");
        var factory = migrate ? TestStores.Migrated(settings) : TestStores.Factory(settings);
        return new PostgresTestDatabase(settings, factory);
    }

    private string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    private string Connection(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = "postgres",
        Database = database,
        Pooling = false,
    }.ConnectionString;

    // pg_config knows where the server's binaries are; Debian keeps them per version under /usr/lib/postgresql.
    private static string FindBinaries()
    {
        try
        {
            using var pgConfig = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, UseShellExecute = false });
            var bin = pgConfig!.StandardOutput.ReadToEnd().Trim();
            pgConfig.WaitForExit();
            if (File.Exists(Path.Combine(bin, "initdb")))
            {
                return bin;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config: look in the usual place.
        }

        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        return found ?? throw new InvalidOperationException("PostgreSQL's server binaries (initdb, postgres) are not installed: ./build.sh test installs the postgresql package.");
    }

    // As root, run as the postgres account: setpriv execs the program itself, so the pid we hold is the server's.
    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Environment.IsPrivilegedProcess)
        {
            info.FileName = "setpriv";
            foreach (var a in (string[])["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program])
            {
                info.ArgumentList.Add(a);
            }
        }
        else
        {
            info.FileName = program;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The server's locale must exist; C always does.
        info.Environment["LC_ALL"] = "C";
        info.Environment["LANG"] = "C";
        return info;
    }

    private Process Start(string program, IEnumerable<string> arguments)
    {
        var process = new Process { StartInfo = StartInfo(program, arguments) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<(int ExitCode, string Output)> RunToEndAsync(string program, IEnumerable<string> arguments)
    {
        using var process = Start(program, arguments);
        using var timeout = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, Output);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The PostgreSQL tests share one server, one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>A database of its own on the shared server; dropped with the server.</summary>
public sealed class PostgresTestDatabase(DatabaseSettings settings, IDbContextFactory<DashboardDbContext> factory) : ITestDatabase
{
    public DatabaseSettings Settings { get; } = settings;

    public IDbContextFactory<DashboardDbContext> Factory { get; } = factory;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
