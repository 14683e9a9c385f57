using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NestedHvDashboard.TestSupport;

/// <summary>
/// A throwaway <c>redis-server</c> (Debian's package, installed by <c>./build.sh test</c>) on 127.0.0.1 and a free port,
/// keeping nothing on disk. Stopped by the pid it was started with, never by name; <see cref="StopAsync"/> and
/// <see cref="StartAsync"/> again (same port, empty) stand for a Redis that was lost and came back.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>Where Debian's package puts the server.</summary>
    public const string ServerPath = "/usr/bin/redis-server";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly StringBuilder _output = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"nestedhv-redis-{Guid.NewGuid():N}");
    private Process? _server;

    private RedisServer(int port) => Port = port;

    /// <summary>The port it listens on (the same after a restart).</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis' configuration string for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>True while the server this fixture started runs.</summary>
    public bool Running => _server is { HasExited: false };

    /// <summary>What the server printed, for a failure's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a server on a free loopback port and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartNewAsync()
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException($"{ServerPath} is missing: ./build.sh test installs Debian's redis-server package.");
        }

        var server = new RedisServer(FreePort());
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on its port, empty, and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (Running)
        {
            return;
        }

        Directory.CreateDirectory(_folder);
        var start = new ProcessStartInfo(ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--save", string.Empty, "--appendonly", "no", "--dir", _folder, "--daemonize", "no", "--protected-mode", "yes" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _server = process;
        var deadline = DateTime.UtcNow + Patience;
        while (!await PingsAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING ({(process.HasExited ? $"exited {process.ExitCode}" : "still starting")}): {Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server this fixture started (SIGKILL by its pid: nothing is saved, as when Redis is lost) and waits for its end.</summary>
    public async Task StopAsync()
    {
        if (_server is not { } server)
        {
            return;
        }

        if (!server.HasExited)
        {
            server.Kill();
            using var wait = new CancellationTokenSource(Patience);
            await server.WaitForExitAsync(wait.Token);
        }

        server.Dispose();
        _server = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A folder left in /tmp is harmless.
        }
    }

    /// <summary>True when the server answers PING with PONG now.</summary>
    public async Task<bool> PingsAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
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
