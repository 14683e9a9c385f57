using System.Diagnostics;
using System.Text;

namespace NestedHvDashboard.Deploy.Tests;

/// <summary>The repository the tests run from, and the programs they run: the deploy scripts as an operator runs them.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>pwsh 7.6.9, the repository's dotnet tool (restored by the test command).</summary>
    public static string PwshDll
    {
        get
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var pwsh = Path.Combine(packages, "powershell", "7.6.9", "tools", "net10.0", "any", "unix", "pwsh.dll");
            return System.IO.File.Exists(pwsh)
                ? pwsh
                : throw new FileNotFoundException($"pwsh.dll of the PowerShell 7.6.9 dotnet tool was not found at {pwsh}. Run 'dotnet tool restore' in the repository root first.", pwsh);
        }
    }

    /// <summary>The dotnet that runs these tests.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && System.IO.File.Exists(host)
        ? host
        : "dotnet";

    /// <summary>Runs a program to its end (killing it, by its own pid, when it outlives <paramref name="timeout"/>).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = new StringBuilder();
        var lockObject = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (lockObject) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lockObject) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (lockObject)
            {
                throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} ran over {timeout}:\n{output}");
            }
        }

        process.WaitForExit();
        lock (lockObject)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "NestedHvDashboard.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No NestedHvDashboard.sln above {AppContext.BaseDirectory}");
    }
}
