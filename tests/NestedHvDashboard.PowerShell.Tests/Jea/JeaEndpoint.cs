using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.Jea;

/// <summary>
/// The dashboard's JEA endpoint as the host preparation script makes it: the module exported by the engine
/// (<see cref="HostTools.Export"/>), then <c>deploy/hosts/Enable-NestedHvDashboardAccess.ps1 -ExportJeaFiles</c> run in
/// pwsh to write the role capabilities (New-PSRoleCapabilityFile) and the session configuration file
/// (New-PSSessionConfigurationFile). A session is then built from that file the way WinRM builds a JEA session
/// (<see cref="InitialSessionState.CreateFromSessionConfigurationFile(string, Func{string, bool})"/>: NoLanguage, only
/// the role's functions visible), with the simulator's Hyper-V standing in for the host's, private as the real
/// Hyper-V module is to a JEA user.
/// </summary>
public sealed class JeaEndpoint : IAsyncLifetime
{
    public const string Operator = @"LAB\dashboard-operators";
    public const string Viewer = @"LAB\dashboard-readers";

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-jea-").FullName;
    private string? _previousModulePath;

    public string SessionFile => Path.Combine(_folder, "out", HostTools.EndpointName + ".pssc");

    public string Output { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var module = Path.Combine(_folder, "module");
        HostTools.Export(module);
        var start = new ProcessStartInfo(FindDotnet()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            FindPwsh(), "-NoProfile", "-NonInteractive", "-File", Path.Combine(RepositoryRoot(), "deploy", "hosts", "Enable-NestedHvDashboardAccess.ps1"),
            "-ExportJeaFiles", Path.Combine(_folder, "out"), "-ModulePath", module, "-OperatorPrincipal", Operator, "-ViewerPrincipal", Viewer,
            "-TranscriptPath", Path.Combine(_folder, "transcripts"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var pwsh = Process.Start(start)!;
        var error = pwsh.StandardError.ReadToEndAsync();
        Output = await pwsh.StandardOutput.ReadToEndAsync();
        await pwsh.WaitForExitAsync();
        Assert.True(pwsh.ExitCode == 0, $"-ExportJeaFiles failed ({pwsh.ExitCode}): {Output}{await error}");

        // WinRM finds a role capability by name in the RoleCapabilities folder of a module on PSModulePath.
        _previousModulePath = Environment.GetEnvironmentVariable("PSModulePath");
        Environment.SetEnvironmentVariable("PSModulePath", Path.Combine(_folder, "out") + Path.PathSeparator + _previousModulePath);
    }

    public Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable("PSModulePath", _previousModulePath);
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The session an account in <paramref name="principal"/> gets on the endpoint, on simulated host <paramref name="host"/>.</summary>
    public InitialSessionState SessionFor(string principal, SimulatedHost host)
    {
        var state = InitialSessionState.CreateFromSessionConfigurationFile(SessionFile, role => string.Equals(role, principal, StringComparison.OrdinalIgnoreCase));
        // By name and kind: the simulator's Invoke-Command function (PowerShell Direct) must sit beside the cmdlet it wraps.
        var present = new HashSet<string>(state.Commands.Select(c => c.GetType().Name + ":" + c.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var entry in SimulatorModule.CreateSessionState(host).Commands)
        {
            if (present.Add(entry.GetType().Name + ":" + entry.Name))
            {
                var copy = (SessionStateCommandEntry)entry.Clone();
                copy.Visibility = SessionStateEntryVisibility.Private;
                state.Commands.Add(copy);
            }
        }

        foreach (var variable in SimulatorModule.CreateSessionState(host).Variables.Where(v => v.Name.StartsWith("NestedHvSimulator", StringComparison.Ordinal)))
        {
            var copy = (SessionStateVariableEntry)variable.Clone();
            copy.Visibility = SessionStateEntryVisibility.Private;
            state.Variables.Add(copy);
        }

        return state;
    }

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

    private static string FindPwsh()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var pwsh = Path.Combine(packages, "powershell", "7.6.9", "tools", "net10.0", "any", "unix", "pwsh.dll");
        return File.Exists(pwsh) ? pwsh : throw new FileNotFoundException($"pwsh.dll of the PowerShell 7.6.9 dotnet tool was not found at {pwsh}. Run 'dotnet tool restore' first.", pwsh);
    }

    private static string FindDotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
