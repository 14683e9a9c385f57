using System.Management.Automation.Runspaces;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator;

/// <summary>Where the simulator module lives and how a runspace is bound to a simulated host.</summary>
public static class SimulatorModule
{
    /// <summary>The module's name (folder and manifest).</summary>
    public const string ModuleName = "NestedHvDashboard.Simulator";

    /// <summary>The session variable holding the in-process <see cref="SimulatedHost"/> the cmdlets act on.</summary>
    public const string HostVariableName = "NestedHvSimulatorHost";

    /// <summary>In a guest's runspace: the host the guest's VM lives on (for restarts and the nested-virtualization check).</summary>
    public const string ParentHostVariableName = "NestedHvSimulatorParentHost";

    /// <summary>In a guest's runspace: the id of the guest's VM on <see cref="ParentHostVariableName"/>.</summary>
    public const string ParentVmIdVariableName = "NestedHvSimulatorParentVmId";

    /// <summary>A session variable naming the state file; overrides <see cref="StateFileEnvironmentVariable"/>.</summary>
    public const string StateFileVariableName = "NestedHvSimulatorStateFile";

    /// <summary>
    /// In a file-backed guest's runspace: the id of the guest's VM in the state file. Its cmdlets then act on that VM's
    /// guest (<see cref="State.SimulatedGuest.Host"/>), and the state file's VM is its parent.
    /// </summary>
    public const string GuestVmIdVariableName = "NestedHvSimulatorGuestVmId";

    /// <summary>The environment variable naming the state file for out-of-process hosts.</summary>
    public const string StateFileEnvironmentVariable = "NESTEDHV_SIM_STATE";

    /// <summary>
    /// The module folder to put on PSModulePath: either the folder holding this assembly (when
    /// pwsh loaded it from the module) or the "Module/NestedHvDashboard.Simulator" folder the
    /// build copies beside it.
    /// </summary>
    public static string ModuleDirectory
    {
        get
        {
            var assemblyDirectory = Path.GetDirectoryName(typeof(SimulatorModule).Assembly.Location) ?? AppContext.BaseDirectory;
            foreach (var candidate in new[] { assemblyDirectory, Path.Combine(assemblyDirectory, "Module", ModuleName), Path.Combine(AppContext.BaseDirectory, "Module", ModuleName) })
            {
                if (File.Exists(Path.Combine(candidate, ModuleName + ".psd1")))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException($"The simulator module manifest {ModuleName}.psd1 was not found beside {assemblyDirectory} or in its Module folder.");
        }
    }

    /// <summary>The folder that contains <see cref="ModuleDirectory"/>: the entry to add to PSModulePath.</summary>
    public static string ModuleRoot => Path.GetDirectoryName(ModuleDirectory)!;

    /// <summary>The full path of the module manifest (.psd1).</summary>
    public static string ManifestPath => Path.Combine(ModuleDirectory, ModuleName + ".psd1");

    /// <summary>
    /// A default session state with the simulator's commands (built once per process and copied, not
    /// imported per runspace) that binds every runspace created from it to <paramref name="host"/>.
    /// </summary>
    public static InitialSessionState CreateSessionState(SimulatedHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var state = SimulatorSessionState.Create();
        state.Variables.Add(new SessionStateVariableEntry(HostVariableName, host, "The simulated Hyper-V host this runspace talks to.", System.Management.Automation.ScopedItemOptions.ReadOnly));
        return state;
    }

    /// <summary>
    /// A session state bound to the guest OS of VM <paramref name="vmId"/> on <paramref name="parent"/>:
    /// what PowerShell Direct reaches. Cmdlets act on <paramref name="guestHost"/>.
    /// </summary>
    public static InitialSessionState CreateGuestSessionState(SimulatedHost parent, Guid vmId, SimulatedHost guestHost)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var state = CreateSessionState(guestHost);
        state.Variables.Add(new SessionStateVariableEntry(ParentHostVariableName, parent, "The simulated host the guest's VM runs on.", System.Management.Automation.ScopedItemOptions.ReadOnly));
        state.Variables.Add(new SessionStateVariableEntry(ParentVmIdVariableName, vmId, "The guest's VM id on the parent host.", System.Management.Automation.ScopedItemOptions.ReadOnly));
        return state;
    }

    /// <summary>
    /// A default session state that imports the simulator in file-backed mode, reading and writing
    /// <paramref name="stateFile"/> (the same mode pwsh uses with NESTEDHV_SIM_STATE).
    /// </summary>
    public static InitialSessionState CreateFileBackedSessionState(string stateFile)
    {
        ArgumentNullException.ThrowIfNull(stateFile);
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(ManifestPath);
        state.Variables.Add(new SessionStateVariableEntry(StateFileVariableName, stateFile, "The simulator state file this runspace talks to.", System.Management.Automation.ScopedItemOptions.ReadOnly));
        return state;
    }

    /// <summary>
    /// A session state with the simulator's commands (copied like <see cref="CreateSessionState"/>'s, not imported) bound to the
    /// state file <paramref name="stateFile"/>: a host of a <see cref="SharedLabFolder"/>, which other processes reach too.
    /// </summary>
    public static InitialSessionState CreateSharedSessionState(string stateFile)
    {
        ArgumentNullException.ThrowIfNull(stateFile);
        var state = SimulatorSessionState.Create();
        state.Variables.Add(new SessionStateVariableEntry(StateFileVariableName, stateFile, "The simulator state file this runspace talks to.", System.Management.Automation.ScopedItemOptions.ReadOnly));
        return state;
    }

    /// <summary>
    /// A session state bound to the guest OS of VM <paramref name="vmId"/> in the state file <paramref name="stateFile"/>:
    /// what PowerShell Direct reaches on a file-backed host. The guest's state is the VM's guest in that file, and its
    /// cmdlets' faults are armed in the host's faults file (<see cref="SimulatedFaults"/>).
    /// </summary>
    public static InitialSessionState CreateFileBackedGuestSessionState(string stateFile, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(stateFile);
        var state = SimulatorSessionState.Create();
        state.Variables.Add(new SessionStateVariableEntry(StateFileVariableName, stateFile, "The simulator state file the guest's VM is in.", System.Management.Automation.ScopedItemOptions.ReadOnly));
        state.Variables.Add(new SessionStateVariableEntry(GuestVmIdVariableName, vmId, "The guest's VM id in the state file.", System.Management.Automation.ScopedItemOptions.ReadOnly));
        return state;
    }
}
