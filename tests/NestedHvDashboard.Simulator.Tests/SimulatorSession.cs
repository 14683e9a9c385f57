using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>A runspace bound to a simulated host, the way the engine binds its pools.</summary>
public sealed class SimulatorSession : IDisposable
{
    private readonly Runspace runspace;

    public SimulatorSession(SimulatedHost host)
        : this(SimulatorModule.CreateSessionState(host))
    {
    }

    public SimulatorSession(InitialSessionState state)
    {
        runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
    }

    /// <summary>Runs static script text; values reach it only as parameters.</summary>
    public Result Run(string script, IDictionary? parameters = null)
    {
        using var ps = PowerShell.Create(runspace);
        ps.AddScript(script);
        if (parameters is not null)
        {
            ps.AddParameters(parameters);
        }

        try
        {
            var output = ps.Invoke();
            return new Result(output, [.. ps.Streams.Error], [.. ps.Streams.Warning], null);
        }
        catch (RuntimeException ex)
        {
            return new Result([], [.. ps.Streams.Error], [.. ps.Streams.Warning], ex);
        }
    }

    /// <summary>Starts a script without waiting; the caller awaits the returned task.</summary>
    public Task<PSDataCollection<PSObject>> RunAsync(string script, IDictionary? parameters = null)
    {
        var ps = PowerShell.Create(runspace);
        ps.AddScript(script);
        if (parameters is not null)
        {
            ps.AddParameters(parameters);
        }

        return ps.InvokeAsync().ContinueWith(t =>
        {
            ps.Dispose();
            return t.Result;
        }, TaskScheduler.Default);
    }

    public void Dispose() => runspace.Dispose();

    public sealed record Result(Collection<PSObject> Output, List<ErrorRecord> Errors, List<WarningRecord> Warnings, RuntimeException? Terminating)
    {
        public T One<T>() => Assert.IsType<T>(Assert.Single(Output).BaseObject);

        public List<T> All<T>() => Output.Select(o => Assert.IsType<T>(o.BaseObject)).ToList();

        /// <summary>The one error the command reported, whether it terminated the statement or not.</summary>
        public ErrorRecord OnlyError => Terminating is IContainsErrorRecord record ? record.ErrorRecord : Assert.Single(Errors);

        public Result Succeeded()
        {
            Assert.Null(Terminating);
            Assert.Empty(Errors);
            return this;
        }
    }
}

/// <summary>Small hosts for tests, with near-instant power changes.</summary>
public static class TestHosts
{
    public const long GB = 1024L * 1024 * 1024;

    public static SimulatedHost Create(string name = "HV-TEST")
    {
        var host = new SimulatedHost(name, new HostProfile()) { Timing = SimulationTiming.Fast() };
        host.AddNetAdapter("Ethernet", "Intel(R) Ethernet Controller X710");
        host.AddSwitch("External", VMSwitchType.External, "Ethernet");
        host.AddVm("off-vm", vm => vm.ProcessorCount = 4);
        host.AddVm("run-vm", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-5);
            vm.CpuBaseline = 40;
            vm.GuestOsName = "Windows Server 2022 Datacenter";
            vm.GuestOsVersion = "10.0.20348";
        });
        host.AddVm("saved-vm", vm => vm.State = VMState.Saved);
        return host;
    }
}
