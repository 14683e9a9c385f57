using System.Diagnostics;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>The module in a real pwsh process (the repository's PowerShell dotnet tool), as sshd test hosts run it.</summary>
public sealed class OutOfProcessTests : IDisposable
{
    private readonly string stateFile = Path.Combine(Path.GetTempPath(), $"nestedhv-sim-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(stateFile);

    [Fact]
    public async Task Pwsh_autoloads_the_module_from_PSModulePath_and_writes_the_state_file()
    {
        TestHosts.Create().SaveToFile(stateFile);
        const string script =
            "Set-VMProcessor -VMName off-vm -ExposeVirtualizationExtensions $true; " +
            "New-VMSwitch -Name VmNAT -SwitchType Internal | Out-Null; " +
            "(Get-CimInstance -ClassName Win32_Processor | Select-Object -First 1).Manufacturer; " +
            "(Get-VM -Name off-vm).State.ToString()";

        var (exitCode, output, errors) = await RunPwshAsync(script);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(["GenuineIntel", "Off"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var after = SimulatedHost.LoadFromFile(stateFile);
        Assert.True(after.FindVm("off-vm")!.ExposeVirtualizationExtensions);
        Assert.Contains(after.NetAdapters, a => a.Name == "vEthernet (VmNAT)");
    }

    private async Task<(int ExitCode, string Output, string Errors)> RunPwshAsync(string script)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[SimulatorModule.StateFileEnvironmentVariable] = stateFile;
        start.Environment["PSModulePath"] = SimulatorModule.ModuleRoot;
        start.Environment["NO_COLOR"] = "1";
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_UPDATECHECK"] = "Off";

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "dotnet-tools.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("dotnet-tools.json (the PowerShell tool manifest) was not found above the test output.");
    }
}
