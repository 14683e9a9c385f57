using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The real dashboard (its Program.cs: MudBlazor, static assets, the simulated lab, the live monitor)
/// started as a child process on a free loopback port, and stopped by the pid it started.
/// </summary>
public sealed partial class DashboardProcess : IAsyncDisposable
{
    /// <summary>The first administrator's user name (created at the first start).</summary>
    public const string AdminUser = "admin";

    /// <summary>The first administrator's password, given as Auth:BootstrapAdminPassword.</summary>
    public const string AdminPassword = "Browser-Admin-Pass-1";

    // Generous: on a busy 2-core box (parallel builds, a soak) the app has taken over a minute to answer /healthz.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly StringBuilder _output = new();
    private readonly string _appDirectory;
    private Process? _process;

    private readonly IReadOnlyList<string> _extraArguments;

    private DashboardProcess(string appDirectory, string dataFolder, IReadOnlyList<string>? extraArguments)
    {
        _appDirectory = appDirectory;
        DataFolder = dataFolder;
        _extraArguments = extraArguments ?? [];
    }

    /// <summary>The app's data folder: a fresh temporary folder per instance (kept across a restart), deleted when it stops.</summary>
    public string DataFolder { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>; the same after <see cref="RestartAsync"/>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The pid of the app process running now.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The dashboard is not running.");

    /// <summary>What the app wrote so far (stdout and stderr, every run), for failure messages.</summary>
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

    /// <summary>Starts the app; <paramref name="extraArguments"/> go on its command line (e.g. <c>--Auth:BootstrapAdminPassword</c>, value).</summary>
    public static async Task<DashboardProcess> StartAsync(IReadOnlyList<string>? extraArguments = null)
    {
        var app = new DashboardProcess(FindWebAppDirectory(), Directory.CreateTempSubdirectory("nestedhv-browser-").FullName, extraArguments);
        try
        {
            // Port 0: the OS picks a free loopback port; a restart reuses the one it picked.
            app.BaseAddress = await app.LaunchAsync(0);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Kills the app by its pid and starts a new process on the same loopback port with the same data
    /// folder, as when an operator restarts the service: every circuit the old process held is gone.
    /// </summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAgainAsync();
    }

    /// <summary>Kills the app by its pid (SIGKILL, as <c>kill -9</c>) and leaves it stopped, as when its machine dies.</summary>
    public Task KillAsync() => StopAsync();

    /// <summary>Starts the app again after <see cref="KillAsync"/>: a new process on the same loopback port and data folder.</summary>
    public async Task StartAgainAsync()
    {
        var address = await LaunchAsync(BaseAddress.Port);
        if (address != BaseAddress)
        {
            throw new InvalidOperationException($"The restarted dashboard listens on {address}, not {BaseAddress}.");
        }
    }

    /// <summary>True while the process started last is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    private async Task<Uri> LaunchAsync(int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(_appDirectory, "NestedHvDashboard.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(_appDirectory);
        start.ArgumentList.Add("--DataFolder");
        start.ArgumentList.Add(DataFolder);
        start.ArgumentList.Add("--Auth:BootstrapAdminPassword");
        start.ArgumentList.Add(AdminPassword);
        // Every context signs in from 127.0.0.1: the default limit (10 a minute per address) is for people, not a test run.
        start.ArgumentList.Add("--Auth:SignIn:PermitsPerMinute");
        start.ArgumentList.Add("1000");
        foreach (var argument in _extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process = process;
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Collect(e.Data, address);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, address);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            using var bound = new CancellationTokenSource(StartTimeout);
            var exited = process.WaitForExitAsync(bound.Token);
            var first = await Task.WhenAny(address.Task, exited).WaitAsync(bound.Token);
            if (first != address.Task)
            {
                throw new InvalidOperationException($"The dashboard exited with {process.ExitCode} before listening:\n{Output}");
            }

            var listening = await address.Task;
            await WaitUntilHealthyAsync(listening, bound.Token);
            return listening;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            throw new TimeoutException($"The dashboard was not ready within {StartTimeout}:\n{Output}", e);
        }
    }

    private void Collect(string? line, TaskCompletionSource<Uri> address)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = ListeningOn().Match(line);
        if (match.Success)
        {
            address.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    // Polls GET /healthz until the app answers (the token bounds the wait): 200 is "ok", or "degraded; ..." when a busy
    // machine's thread pool is over its limits (the app still serves; the browser tests wait for their own conditions).
    private static async Task WaitUntilHealthyAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var interval = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not accepting yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One request over its 5 s while the app starts on a busy machine (a CI run saw it with the reliability
                // lanes starting apps side by side): ask again; the token bounds the whole wait.
            }
        }
        while (await interval.WaitForNextTickAsync(cancellationToken));
    }

    // The Web project's own output for this test assembly's configuration: it holds the static web
    // assets manifests and the wwwroot copy that Program.cs serves from.
    private static string FindWebAppDirectory()
    {
        var configuration = typeof(DashboardProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NestedHvDashboard.sln")))
            {
                var app = Path.Combine(directory.FullName, "src", "NestedHvDashboard.Web", "bin", configuration, "net10.0");
                return File.Exists(Path.Combine(app, "NestedHvDashboard.Web.dll"))
                    ? app
                    : throw new FileNotFoundException($"NestedHvDashboard.Web.dll is not built in {app}");
            }
        }

        throw new DirectoryNotFoundException($"No NestedHvDashboard.sln above {AppContext.BaseDirectory}");
    }

    // The process this instance started (and anything it started), by its pid.
    private async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await process.WaitForExitAsync(bound.Token);
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Directory.Delete(DataFolder, recursive: true);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
