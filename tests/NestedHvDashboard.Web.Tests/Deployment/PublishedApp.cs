using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace NestedHvDashboard.Web.Tests.Deployment;

/// <summary>
/// The web app as <c>dotnet publish</c> lays it out, published once per test class into a temporary folder. It is
/// published from this configuration's build (<c>--no-build</c>, framework-dependent, no runtime identifier): what
/// <c>./build.sh publish</c> puts in each zip, less the apphost, and without rebuilding the outputs other tests run from.
/// </summary>
public sealed class PublishedApp : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The publish folder (holds NestedHvDashboard.Web.dll, appsettings.json, wwwroot/).</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("nestedhv-published-").FullName;

    public async Task InitializeAsync()
    {
        var configuration = typeof(PublishedApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // --disable-build-servers: no MSBuild node or build server outlives the test.
        foreach (var argument in new[] { "publish", Path.Combine(RepositoryRoot(), "src", "NestedHvDashboard.Web", "NestedHvDashboard.Web.csproj"), "-c", configuration, "--no-build", "-o", Folder, "-nologo", "--disable-build-servers" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish took over {PublishTimeout}:\n{await output}{await error}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish exited with {process.ExitCode}:\n{await output}{await error}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Starts the published app as an operator would (in its folder), with <paramref name="settings"/> as environment variables.</summary>
    public Task<PublishedAppProcess> StartAsync(string environment, IReadOnlyDictionary<string, string> settings) =>
        PublishedAppProcess.StartAsync(Folder, environment, settings);

    /// <summary>The <c>Version</c> of Directory.Build.props, read as text: the one place it is set.</summary>
    public static string ConfiguredVersion() =>
        Regex.Match(File.ReadAllText(Path.Combine(RepositoryRoot(), "Directory.Build.props")), "<Version>([^<]+)</Version>") is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException("Directory.Build.props has no <Version>.");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NestedHvDashboard.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No NestedHvDashboard.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>One run of the published app on a free 127.0.0.1 port with its own data folder; stopped by the pid it started.</summary>
public sealed partial class PublishedAppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PublishedAppProcess(Process process, string dataFolder)
    {
        _process = process;
        DataFolder = dataFolder;
    }

    /// <summary>The app's data folder (deleted at dispose).</summary>
    public string DataFolder { get; }

    /// <summary>E.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Everything the app wrote to stdout and stderr so far.</summary>
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

    internal static async Task<PublishedAppProcess> StartAsync(string folder, string environment, IReadOnlyDictionary<string, string> settings)
    {
        var dataFolder = Directory.CreateTempSubdirectory("nestedhv-published-data-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(folder, "NestedHvDashboard.Web.dll"));
        foreach (var inherited in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS", "ASPNETCORE_CONTENTROOT" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        // Port 0: the app takes a free port and says which ("Now listening on: ..."), so no other process can take it first.
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DataFolder"] = dataFolder;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new PublishedAppProcess(process, dataFolder);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => app.Collect(e.Data, listening);
        process.ErrorDataReceived += (_, e) => app.Collect(e.Data, listening);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var bound = new CancellationTokenSource(StartTimeout);
            var first = await Task.WhenAny(listening.Task, process.WaitForExitAsync(bound.Token)).WaitAsync(bound.Token);
            if (first != listening.Task)
            {
                throw new InvalidOperationException($"The published app exited with {process.ExitCode} before listening:\n{app.Output}");
            }

            var address = await listening.Task;
            app.BaseAddress = new Uri(address.OriginalString.TrimEnd('/') + "/");
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp folder's cleanup.
        }
    }

    private void Collect(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
