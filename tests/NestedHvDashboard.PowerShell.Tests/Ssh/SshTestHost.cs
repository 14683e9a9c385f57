using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.Ssh;

/// <summary>
/// A real PowerShell remoting host on loopback: its own sshd (ed25519 host key, key-only auth,
/// the "powershell" subsystem running pwsh 7.6.9 with the simulator module) and a state file
/// holding the simulated Hyper-V host it serves. Processes are only ever signalled by the pids
/// this fixture started (and their descendants).
/// </summary>
public sealed class SshTestHost : IAsyncDisposable
{
    private const string SshdPath = "/usr/sbin/sshd";
    private readonly StringBuilder _sshdLog;
    private Process _sshd;

    private SshTestHost(string name, string directory, int port, Process sshd, StringBuilder sshdLog)
    {
        Name = name;
        Directory = directory;
        Port = port;
        _sshd = sshd;
        _sshdLog = sshdLog;
    }

    public string Name { get; }

    public string Directory { get; }

    public int Port { get; }

    public int SshdPid => _sshd.Id;

    public string StateFile => Path.Combine(Directory, "host-state.json");

    public string ClientKey => Path.Combine(Directory, "client_ed25519");

    /// <summary>A key the host does not know.</summary>
    public string StrangerKey => Path.Combine(Directory, "stranger_ed25519");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    /// <summary>A known_hosts file without this host's key.</summary>
    public string EmptyKnownHostsFile => Path.Combine(Directory, "known_hosts_empty");

    public string SshdLog
    {
        get
        {
            lock (_sshdLog)
            {
                return _sshdLog.ToString();
            }
        }
    }

    /// <summary>Settings that reach this host over SSH with the right key and known_hosts.</summary>
    public HostConnectionSettings Settings(TimeSpan timeout) => new()
    {
        Name = Name,
        Address = "127.0.0.1",
        Port = Port,
        Transport = HostTransport.Ssh,
        UserName = Environment.UserName,
        KeyFilePath = ClientKey,
        KnownHostsFile = KnownHostsFile,
        Timeout = timeout,
        MaxConcurrency = 2,
    };

    /// <summary>A known_hosts file that accepts this host's key on another loopback port (a relay in front of it).</summary>
    public string KnownHostsFileFor(int port)
    {
        var file = Path.Combine(Directory, $"known_hosts_{port.ToString(CultureInfo.InvariantCulture)}");
        var hostKey = File.ReadAllText(Path.Combine(Directory, "ssh_host_ed25519_key.pub")).Trim();
        File.WriteAllText(file, $"[127.0.0.1]:{port.ToString(CultureInfo.InvariantCulture)} {hostKey}\n");
        return file;
    }

    /// <summary>The simulated host as its state file holds it now.</summary>
    public SimulatedHost ReadState() => SimulatedHost.LoadFromFile(StateFile);

    /// <param name="name">The host's name.</param>
    /// <param name="state">The simulated Hyper-V host it serves.</param>
    /// <param name="powershellSubsystem">False for an sshd_config without the "powershell" subsystem (a host where PowerShell 7 remoting is not set up).</param>
    public static async Task<SshTestHost> StartAsync(string name, SimulatedHost state, bool powershellSubsystem = true)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The SSH test hosts run OpenSSH's sshd on Linux.");
        }

        var pwshDll = FindPwsh();
        var dotnet = FindDotnet();
        var directory = System.IO.Directory.CreateTempSubdirectory("nestedhv-ssh-").FullName;
        state.SaveToFile(Path.Combine(directory, "host-state.json"));

        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", $"{name}-host", "-f", Path.Combine(directory, "ssh_host_ed25519_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dashboard", "-f", Path.Combine(directory, "client_ed25519"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", Path.Combine(directory, "stranger_ed25519"));

        var port = FreePort();
        var hostKey = (await File.ReadAllTextAsync(Path.Combine(directory, "ssh_host_ed25519_key.pub"))).Trim();
        await File.WriteAllTextAsync(Path.Combine(directory, "known_hosts"), $"[127.0.0.1]:{port} {hostKey}\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "known_hosts_empty"), "");
        File.Copy(Path.Combine(directory, "client_ed25519.pub"), Path.Combine(directory, "authorized_keys"));

        var subsystem = Path.Combine(directory, "pwsh-subsystem.sh");
        await File.WriteAllTextAsync(subsystem, $"""
            #!/bin/sh
            export PSModulePath={Quote(SimulatorModule.ModuleRoot)}:"$PSModulePath"
            export {SimulatorModule.StateFileEnvironmentVariable}={Quote(Path.Combine(directory, "host-state.json"))}
            export DOTNET_ROOT={Quote(Path.GetDirectoryName(dotnet)!)}
            export DOTNET_CLI_TELEMETRY_OPTOUT=1
            {ForwardedRuntimeSettings()}
            exec {Quote(dotnet)} {Quote(pwshDll)} -sshs -NoLogo -NoProfile

            """);
        File.SetUnixFileMode(subsystem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        var config = Path.Combine(directory, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            ListenAddress 127.0.0.1
            Port {port}
            HostKey {Path.Combine(directory, "ssh_host_ed25519_key")}
            PidFile {Path.Combine(directory, "sshd.pid")}
            AuthorizedKeysFile {Path.Combine(directory, "authorized_keys")}
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password
            LogLevel INFO
            {(powershellSubsystem ? $"Subsystem powershell {subsystem}" : "# no powershell subsystem")}

            """);

        System.IO.Directory.CreateDirectory("/run/sshd");
        var log = new StringBuilder();
        var host = new SshTestHost(name, directory, port, StartSshd(config, log), log);
        try
        {
            await host.WaitUntilListeningAsync(TimeSpan.FromSeconds(15));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>
    /// Kills the host (sshd and every session, even a frozen one) and starts its sshd again on the same port with the same keys
    /// and state file, as when a host comes back after a crash.
    /// </summary>
    public async Task RestartAsync()
    {
        // Killed until sshd is gone, the tree taken again each time: a session sshd forks between a snapshot and the kill
        // would otherwise live on (and keep sshd's output pipe open, so waiting for the output's end never returned).
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        do
        {
            ProcessTable.Signal("KILL", ProcessTree());
            await Task.Delay(50);
        }
        while (!_sshd.HasExited && DateTime.UtcNow < limit);

        if (!_sshd.HasExited)
        {
            throw new TimeoutException($"sshd of host {Name} (pid {_sshd.Id}) did not exit within 10 s of SIGKILL.");
        }

        _sshd.Dispose();
        _sshd = StartSshd(Path.Combine(Directory, "sshd_config"), _sshdLog);
        await WaitUntilListeningAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>sshd and everything it started (session sshd processes, pwsh).</summary>
    public IReadOnlyList<int> ProcessTree() => [_sshd.Id, .. ProcessTable.DescendantsOf(_sshd.Id)];

    /// <summary>The pwsh processes serving sessions now.</summary>
    public IReadOnlyList<int> PwshProcesses() =>
        [.. ProcessTable.DescendantsOf(_sshd.Id).Where(pid => ProcessTable.CommandLine(pid).Contains("pwsh.dll", StringComparison.Ordinal))];

    /// <summary>Kills sshd and every process under it (SIGKILL, by pid).</summary>
    public void Kill() => ProcessTable.Signal("KILL", ProcessTree());

    /// <summary>Freezes sshd and every process under it (SIGSTOP, by pid).</summary>
    public IReadOnlyList<int> Freeze()
    {
        var tree = ProcessTree();
        ProcessTable.Signal("STOP", tree);
        return tree;
    }

    public async ValueTask DisposeAsync()
    {
        var tree = ProcessTree();
        ProcessTable.Signal("CONT", tree);
        ProcessTable.Signal("KILL", tree);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _sshd.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Leave the directory for a post-mortem; the process is not ours to chase further.
            return;
        }

        _sshd.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A late-exiting child may still hold a file; the temp dir is cleaned by the OS.
        }
    }

    private static Process StartSshd(string config, StringBuilder log)
    {
        var start = new ProcessStartInfo(SshdPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-D", "-e", "-f", config })
        {
            start.ArgumentList.Add(argument);
        }

        var sshd = Process.Start(start) ?? throw new InvalidOperationException("sshd did not start.");
        sshd.ErrorDataReceived += (_, e) => Append(log, e.Data);
        sshd.OutputDataReceived += (_, e) => Append(log, e.Data);
        sshd.BeginErrorReadLine();
        sshd.BeginOutputReadLine();
        return sshd;
    }

    private async Task WaitUntilListeningAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (_sshd.HasExited)
            {
                throw new InvalidOperationException($"sshd for {Name} exited with {_sshd.ExitCode}: {SshdLog}");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (SocketException exception)
            {
                throw new TimeoutException($"sshd for {Name} did not listen on 127.0.0.1:{Port} within {limit}: {SshdLog}", exception);
            }
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    // sshd starts the subsystem with a clean environment: the runtime settings the test command gives its processes
    // (build.sh test: DOTNET_TieredPGO=0, less CPU for short-lived processes) reach the host's pwsh only through the script.
    private static string ForwardedRuntimeSettings() =>
        Environment.GetEnvironmentVariable("DOTNET_TieredPGO") is { Length: > 0 } pgo ? $"export DOTNET_TieredPGO={Quote(pgo)}" : "";

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // build.sh test precompiles a copy of the pwsh tool (tests/precompile.sh) and names it here: the same pwsh 7.6.9,
    // started for every SSH session with less CPU. Without it, the tool as restored.
    private static string FindPwsh()
    {
        if (Environment.GetEnvironmentVariable("NESTEDHV_TEST_PWSH") is { Length: > 0 } precompiled)
        {
            return File.Exists(precompiled)
                ? precompiled
                : throw new FileNotFoundException($"NESTEDHV_TEST_PWSH names {precompiled}, which does not exist (tests/precompile.sh makes it).", precompiled);
        }

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var pwsh = Path.Combine(packages, "powershell", "7.6.9", "tools", "net10.0", "any", "unix", "pwsh.dll");
        return File.Exists(pwsh)
            ? pwsh
            : throw new FileNotFoundException($"pwsh.dll of the PowerShell 7.6.9 dotnet tool was not found at {pwsh}. Run 'dotnet tool restore' in the repository root first.", pwsh);
    }

    private static string FindDotnet()
    {
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, "dotnet")));
        candidates.Add("/usr/share/dotnet/dotnet");
        candidates.Add("/usr/lib/dotnet/dotnet");
        return candidates.FirstOrDefault(File.Exists) is { } found
            ? new FileInfo(found).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? found
            : throw new FileNotFoundException("The dotnet host was not found (DOTNET_HOST_PATH, PATH).");
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode.ToString(CultureInfo.InvariantCulture)}): {await error}");
        }
    }
}
