using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell;

/// <summary>Makes the <see cref="IHyperVHost"/> for a host's settings.</summary>
public static class HyperVHostFactory
{
    /// <summary>
    /// A host reached as <paramref name="settings"/> say. The connection opens lazily on the first call.
    /// </summary>
    /// <param name="settings">How to reach the host.</param>
    /// <param name="lab">For <see cref="HostTransport.InProcess"/>: the lab holding the simulated host named by <see cref="HostConnectionSettings.Address"/>.</param>
    /// <param name="openGate">Bounds how many hosts open their connection at once; default <see cref="HostOpenGate.Shared"/>.</param>
    /// <param name="timeouts">Each long operation's own limit; null: the defaults.</param>
    public static IHyperVHost Create(
        HostConnectionSettings settings, SimulatedLab? lab = null, HostOpenGate? openGate = null, OperationTimeouts? timeouts = null) =>
        new PowerShellHyperVHost(CreateSession(settings, lab, openGate)) { Timeouts = timeouts ?? new OperationTimeouts() };

    /// <summary>
    /// A host of the shared simulated lab in <paramref name="folder"/> (<see cref="HostTransport.InProcess"/>): its runspaces
    /// run here and read and write the host's state file, which other processes share. A nested host (its
    /// <see cref="HostConnectionSettings.ParentHost"/> set) is the guest of its VM in the parent's state file.
    /// </summary>
    public static IHyperVHost CreateInSharedLab(
        HostConnectionSettings settings, SharedLabFolder folder, HostOpenGate? openGate = null, OperationTimeouts? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxConcurrency, 1, nameof(settings));
        var invocation = HostTools.UsesEndpointFunctions(settings) ? HostInvocation.ByName : HostInvocation.Script;
        var session = new HostSession(settings.Name, settings.Timeout, Pooled(settings, SharedSessionState(settings, folder)), settings.MaxConcurrency, openGate, invocation);
        return new PowerShellHyperVHost(session) { Timeouts = timeouts ?? new OperationTimeouts() };
    }

    /// <summary>The execution seam alone, for callers that run their own scripts' results.</summary>
    public static HostSession CreateSession(HostConnectionSettings settings, SimulatedLab? lab = null, HostOpenGate? openGate = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxConcurrency, 1, nameof(settings));
        Func<HostConnection> createConnection = settings.Transport switch
        {
            HostTransport.InProcess => Pooled(settings, InProcessSessionState(settings, lab)),
            // PowerShell on Linux and macOS has no WS-Management client: say so at once, on every call, instead of its raw error.
            HostTransport.WinRm when !RemoteConnections.CanUseWinRm => () => throw new PSRemotingTransportException(RemoteConnections.WinRmNeedsWindows),
            HostTransport.WinRm => () => new HostConnection.Pool(
                RunspaceFactory.CreateRunspacePool(1, settings.MaxConcurrency, RemoteConnections.CreateWinRm(settings)),
                failure => ConnectionAdvice.Explain(settings, failure)),
            // PowerShell has no remote runspace pools over SSH: a set of remote runspaces stands in.
            HostTransport.Ssh => () => SshRunspaces(settings),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Transport, "Unknown transport."),
        };
        var invocation = HostTools.UsesEndpointFunctions(settings) ? HostInvocation.ByName : HostInvocation.Script;
        return new HostSession(settings.Name, settings.Timeout, createConnection, settings.MaxConcurrency, openGate, invocation);
    }

    private static HostConnection.RunspaceSet SshRunspaces(HostConnectionSettings settings) =>
        new(
            () =>
            {
                // Every new session, not only the monitor's first: a change that reconnects to a host just killed would start ssh
                // against a refused port, and PowerShell's transport then ends the whole process (see TcpReachability; fault matrix).
                TcpReachability.CheckAsync(settings.Name, settings.Address, settings.Port ?? 22, settings.Timeout).GetAwaiter().GetResult();
                return RemoteConnections.CreateSshRunspace(settings);
            },
            settings.MaxConcurrency,
            async failure => ConnectionAdvice.Explain(settings, await SshDiagnosis.ExplainAsync(settings, failure).ConfigureAwait(false)));

    private static InitialSessionState InProcessSessionState(HostConnectionSettings settings, SimulatedLab? lab) =>
        SimulatorModule.CreateSessionState(settings.ParentHost is null ? LabHost(settings, lab) : GuestHost(settings, lab));

    private static Func<HostConnection> Pooled(HostConnectionSettings settings, InitialSessionState sessionState) => () =>
    {
        var pool = RunspaceFactory.CreateRunspacePool(sessionState);
        pool.SetMaxRunspaces(settings.MaxConcurrency);
        return new HostConnection.Pool(pool);
    };

    // A shared lab's host is bound to its state file; a nested one to its VM's guest in the parent's state file.
    private static InitialSessionState SharedSessionState(HostConnectionSettings settings, SharedLabFolder folder)
    {
        if (settings.ParentHost is null)
        {
            return folder.HasHost(settings.Address)
                ? SimulatorModule.CreateSharedSessionState(folder.StateFileOf(settings.Address))
                : throw new ArgumentException($"The in-process host '{settings.Name}' needs a host named '{settings.Address}' in the shared simulated lab {folder.Folder}.", nameof(folder));
        }

        if (!folder.HasHost(settings.ParentHost))
        {
            throw new ArgumentException($"The in-process host '{settings.Name}' runs on host '{settings.ParentHost}', which the shared simulated lab does not have.", nameof(folder));
        }

        var (vmName, runsHyperV) = folder.Read(settings.ParentHost, h => h.Vms.Find(v => v.Id == settings.ParentVmId) is { } vm
            ? (vm.Name, vm.Guest is { } guest && guest.Host.Read(g => g.HyperVInstalled))
            : ((string?)null, false));
        if (vmName is null)
        {
            throw new ArgumentException($"The in-process host '{settings.Name}' is VM '{settings.ParentVmId}' on host '{settings.ParentHost}', which has no such VM.", nameof(settings));
        }

        return runsHyperV
            ? SimulatorModule.CreateFileBackedGuestSessionState(folder.StateFileOf(settings.ParentHost), settings.ParentVmId!.Value)
            : throw new ArgumentException($"The in-process host '{settings.Name}' is VM '{vmName}' on host '{settings.ParentHost}', whose guest does not run Hyper-V.", nameof(settings));
    }

    private static SimulatedHost LabHost(HostConnectionSettings settings, SimulatedLab? lab) =>
        lab is not null && lab.TryGet(settings.Address, out var host)
            ? host
            : throw new ArgumentException($"The in-process host '{settings.Name}' needs a simulated lab with a host named '{settings.Address}'.", nameof(lab));

    // A simulated L1 host is the guest OS of a VM on a lab host: that guest's own simulated host answers.
    private static SimulatedHost GuestHost(HostConnectionSettings settings, SimulatedLab? lab)
    {
        if (lab is null || !lab.TryGet(settings.ParentHost!, out var parent))
        {
            throw new ArgumentException($"The in-process host '{settings.Name}' runs on host '{settings.ParentHost}', which the simulated lab does not have.", nameof(lab));
        }

        var vm = settings.ParentVmId is { } id ? parent.FindVm(id) : null;
        if (vm is null)
        {
            throw new ArgumentException($"The in-process host '{settings.Name}' is VM '{settings.ParentVmId}' on host '{parent.Name}', which has no such VM.", nameof(settings));
        }

        if (vm.Guest is not { } guest || !guest.Host.Read(h => h.HyperVInstalled))
        {
            throw new ArgumentException($"The in-process host '{settings.Name}' is VM '{vm.Name}' on host '{parent.Name}', whose guest does not run Hyper-V.", nameof(settings));
        }

        return guest.Host;
    }
}
