extern alias Web;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Browser.Tests;
using Npgsql;
using Web::NestedHvDashboard.Web.Access;
using Web::NestedHvDashboard.Web.Audit;
using Web::NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// The cluster benchmark's PostgreSQL: <c>initdb</c> in a temporary folder and <c>postgres</c> on 127.0.0.1 and a free port
/// (as the <c>postgres</c> account when run as root), stopped by its pid and its folder deleted; as the tests start theirs.
/// </summary>
internal sealed class ClusterPostgres : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"nestedhv-bench-pg-{Guid.NewGuid():N}");
    private Process? _server;
    private int _port;

    /// <summary>The benchmark database's connection string.</summary>
    public string ConnectionString => Connection("nhv_bench");

    public static async Task<ClusterPostgres> StartAsync()
    {
        var postgres = new ClusterPostgres();
        var bin = Bin();
        using (var initdb = Process.Start(Info(Path.Combine(bin, "initdb"), ["-D", postgres._folder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]))!)
        {
            await initdb.WaitForExitAsync();
            if (initdb.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed ({initdb.ExitCode}): {await initdb.StandardError.ReadToEndAsync()}");
            }
        }

        postgres._port = FreePort();
        postgres._server = Process.Start(Info(Path.Combine(bin, "postgres"), ["-D", postgres._folder, "-h", "127.0.0.1", "-p", postgres._port.ToString(CultureInfo.InvariantCulture), "-k", postgres._folder, "-c", "fsync=off", "-c", "max_connections=300"]));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(postgres.Connection("postgres"));
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("CREATE DATABASE nhv_bench", connection);
                await create.ExecuteNonQueryAsync();
                return postgres;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && postgres._server is { HasExited: false })
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>An administrator's API token (the first administrator must exist: an instance started on the database once).</summary>
    public async Task<string> CreateTokenAsync()
    {
        var factory = new ContextFactory(ConnectionString);
        var tokens = new ApiTokens(factory, new DbAuditTrail(factory, TimeProvider.System, NullLogger<DbAuditTrail>.Instance), TimeProvider.System);
        var (created, error) = await tokens.CreateAsync(new Actor(DashboardProcess.AdminUser, DashboardRoles.Administrator, Channels.Browser, "127.0.0.1"), "cluster-bench", 1);
        return created?.Token ?? throw new InvalidOperationException($"No API token: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false } server)
        {
            // SIGINT is PostgreSQL's fast shutdown; only this pid is signalled.
            using (var signal = Process.Start("kill", ["-INT", server.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }

            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await server.WaitForExitAsync(bound.Token);
        }

        _server?.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string Connection(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = _port, Username = "postgres", Database = database, Pooling = false }.ConnectionString;

    private static string Bin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order(StringComparer.Ordinal).LastOrDefault()
              ?? throw new InvalidOperationException("PostgreSQL's initdb is not installed (apt-get install postgresql).")
            : throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql).");

    private static ProcessStartInfo Info(string program, string[] arguments)
    {
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        var all = Environment.IsPrivilegedProcess ? ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program, .. arguments] : arguments;
        info.FileName = Environment.IsPrivilegedProcess ? "setpriv" : program;
        foreach (var argument in all)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LC_ALL"] = "C";
        info.Environment["LANG"] = "C";
        return info;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ContextFactory(string connectionString) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() =>
            new PostgresDashboardDbContext(new DbContextOptionsBuilder<PostgresDashboardDbContext>().UseNpgsql(connectionString).Options);
    }
}

/// <summary>Redis's own traffic counters (<c>INFO stats</c>), read over a plain connection.</summary>
internal static class RedisTraffic
{
    /// <summary>total_net_input_bytes and total_net_output_bytes now.</summary>
    public static async Task<(long In, long Out)> ReadAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("INFO stats\r\n"));
        var text = new StringBuilder();
        var buffer = new byte[8192];
        // A bulk reply: "$<length>\r\n<length bytes>\r\n".
        while (!(text.ToString().IndexOf("\r\n", StringComparison.Ordinal) is > 0 and var header
                 && text.Length >= header + 2 + int.Parse(text.ToString()[1..header], CultureInfo.InvariantCulture)))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        long Field(string name) => text.ToString().Split("\r\n").Where(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Select(l => long.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).First();
        return (Field("total_net_input_bytes"), Field("total_net_output_bytes"));
    }
}
