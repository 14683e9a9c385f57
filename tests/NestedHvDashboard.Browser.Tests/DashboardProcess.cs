using System.Diagnostics;
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
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DashboardProcess(Process process, string dataFolder)
    {
        _process = process;
        DataFolder = dataFolder;
    }

    /// <summary>The app's data folder: a fresh temporary folder per process, deleted when it stops.</summary>
    public string DataFolder { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the app wrote so far (stdout and stderr), for failure messages.</summary>
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

    public static async Task<DashboardProcess> StartAsync()
    {
        var appDirectory = FindWebAppDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(appDirectory, "NestedHvDashboard.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(appDirectory);
        var dataFolder = Directory.CreateTempSubdirectory("nestedhv-browser-").FullName;
        start.ArgumentList.Add("--DataFolder");
        start.ArgumentList.Add(dataFolder);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new DashboardProcess(process, dataFolder);
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => app.Collect(e.Data, address);
        process.ErrorDataReceived += (_, e) => app.Collect(e.Data, address);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            using var bound = new CancellationTokenSource(StartTimeout);
            var exited = process.WaitForExitAsync(bound.Token);
            var first = await Task.WhenAny(address.Task, exited).WaitAsync(bound.Token);
            if (first != address.Task)
            {
                throw new InvalidOperationException($"The dashboard exited with {process.ExitCode} before listening:\n{app.Output}");
            }

            app.BaseAddress = await address.Task;
            await app.WaitUntilHealthyAsync(bound.Token);
            return app;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            await app.DisposeAsync();
            throw new TimeoutException($"The dashboard was not ready within {StartTimeout}:\n{app.Output}", e);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
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

    // Polls GET /healthz until it answers "ok" (the token bounds the wait).
    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var interval = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode && await response.Content.ReadAsStringAsync(cancellationToken) == "ok")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not accepting yet.
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

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // The process this fixture started (and anything it started), by its pid.
                _process.Kill(entireProcessTree: true);
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(bound.Token);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(DataFolder, recursive: true);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
