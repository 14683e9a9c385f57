using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Base for every simulator cmdlet: finds the host the runspace is bound to.</summary>
public abstract partial class SimulatorCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private HostAccess? access;

    internal HostAccess Sim => access ??= ResolveHost();

    /// <summary>The in-process host the runspace is bound to, or null in file-backed mode.</summary>
    internal SimulatedHost? BoundHost =>
        SessionState.PSVariable.GetValue(SimulatorModule.HostVariableName) is var bound && (bound is PSObject wrapped ? wrapped.BaseObject : bound) is SimulatedHost host ? host : null;

    /// <summary>In a guest's runspace (in-process or file-backed), the host and id of the guest's own VM; otherwise null.</summary>
    internal (HostAccess Host, Guid VmId)? ParentVm
    {
        get
        {
            var parent = SessionState.PSVariable.GetValue(SimulatorModule.ParentHostVariableName);
            var id = SessionState.PSVariable.GetValue(SimulatorModule.ParentVmIdVariableName);
            if ((parent is PSObject p ? p.BaseObject : parent) is SimulatedHost host && (id is PSObject i ? i.BaseObject : id) is Guid vmId)
            {
                return (new InMemoryHostAccess(host), vmId);
            }

            return BoundHost is null && GuestVmId is { } guestVm && StateFile is { } file ? (new FileHostAccess(file), guestVm) : null;
        }
    }

    /// <summary>In a file-backed guest's runspace, the id of the guest's VM in the state file; otherwise null.</summary>
    internal Guid? GuestVmId =>
        SessionState.PSVariable.GetValue(SimulatorModule.GuestVmIdVariableName) is var id && (id is PSObject wrapped ? wrapped.BaseObject : id) is Guid vmId ? vmId : null;

    internal static DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override void StopProcessing() => stopping.Cancel();

    protected override void BeginProcessing()
    {
        if (BoundHost?.Cost is { } cost && IsChargedRead)
        {
            cost.ChargeCall();
        }

        if (BoundHost is { } host && host.FailingCommands.TryGetValue(MyInvocation.MyCommand.Name, out var message))
        {
            ThrowTerminatingError(Error(message, "SimulatedFailure," + GetType().Name, ErrorCategory.NotSpecified, null));
        }

        if (BoundHost is null && StateFile is { } file && SimulatedFaults.Take(file, MyInvocation.MyCommand.Name) is { } fault)
        {
            Inject(file, fault);
        }

        RefuseOtherComputers();
        base.BeginProcessing();
    }

    public void Dispose()
    {
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private HostAccess ResolveHost()
    {
        if (BoundHost is { } host)
        {
            return WithHyperVModule(new InMemoryHostAccess(host));
        }

        var file = StateFile;
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new FileNotFoundException($"The simulator state file '{file}' does not exist.", file),
                    "SimulatorStateFileMissing",
                    ErrorCategory.ResourceUnavailable,
                    file));
            }

            return GuestVmId is { } guestVm ? WithHyperVModule(new GuestFileHostAccess(file, guestVm)) : new FileHostAccess(file);
        }

        ThrowTerminatingError(new ErrorRecord(
            new InvalidOperationException($"No simulated host: bind the runspace with SimulatorModule.CreateSessionState or set {SimulatorModule.StateFileEnvironmentVariable} to a state file."),
            "SimulatorHostNotBound",
            ErrorCategory.ResourceUnavailable,
            null));
        return null!;
    }

    /// <summary>
    /// <paramref name="access"/>, when the host has the Hyper-V module this cmdlet needs: a guest without the Hyper-V role has
    /// none, so its Hyper-V cmdlets are simply not there.
    /// </summary>
    private HostAccess WithHyperVModule(HostAccess access)
    {
        if (IsHyperVCmdlet && !access.Read(h => h.HyperVInstalled))
        {
            var name = MyInvocation.MyCommand.Name;
            ThrowTerminatingError(new ErrorRecord(
                new CommandNotFoundException($"The term '{name}' is not recognized as a name of a cmdlet, function, script file, or executable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again."),
                "CommandNotFoundException",
                ErrorCategory.ObjectNotFound,
                name));
        }

        return access;
    }

    /// <summary>The state file of a file-backed host (or of a file-backed guest's VM), or null.</summary>
    internal string? StateFile =>
        SessionState.PSVariable.GetValue(SimulatorModule.StateFileVariableName) as string is { Length: > 0 } variable
            ? variable
            : Environment.GetEnvironmentVariable(SimulatorModule.StateFileEnvironmentVariable) is { Length: > 0 } environment ? environment : null;

    /// <summary>An injected fault (see <see cref="SimulatedFaults"/>): refuse, or block until stopped or disarmed.</summary>
    private void Inject(string file, SimulatedFault fault)
    {
        if (fault.Kind is SimulatedFaultKind.Fail)
        {
            ThrowTerminatingError(Error(fault.Message, "InjectedFault," + GetType().Name, ErrorCategory.InvalidOperation, null));
        }

        // Bounded, so a host nobody kills or releases still ends its call.
        var until = Now + TimeSpan.FromMinutes(5);
        while (Now < until && File.Exists(SimulatedFaults.PathFor(file)))
        {
            WaitUntil(Now + TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Reads that query WMI on a real host: Get-VM*, Get-CimInstance (see <see cref="SimulatedHostCost"/>).</summary>
    private bool IsChargedRead => MyInvocation.MyCommand.Name.Split('-') is ["Get", var noun] && (noun.StartsWith("VM", StringComparison.Ordinal) || noun == "CimInstance");

    /// <summary>True for the Hyper-V module's cmdlets (nouns VM, VMSwitch, VMHost, ..., and VHD).</summary>
    private bool IsHyperVCmdlet => MyInvocation.MyCommand.Name.Split('-') is [_, var noun] && (noun.StartsWith("VM", StringComparison.Ordinal) || noun == "VHD");

    /// <summary>Blocks until <paramref name="when"/>, the way the real cmdlets wait for a state change; Ctrl+C stops it.</summary>
    internal void WaitUntil(DateTimeOffset when)
    {
        while (true)
        {
            var remaining = when - Now;
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            if (stopping.Token.WaitHandle.WaitOne(remaining < TimeSpan.FromMilliseconds(50) ? remaining : TimeSpan.FromMilliseconds(50)))
            {
                throw new PipelineStoppedException();
            }
        }
    }

    /// <summary>Writes an object with the real type name first, so formatting and type checks by name see Hyper-V's type.</summary>
    internal void Emit(object item, string typeName)
    {
        var wrapped = new PSObject(item);
        wrapped.TypeNames.Insert(0, typeName);
        WriteOutput(wrapped);
    }

    internal void EmitAll<T>(IEnumerable<T> items, string typeName)
        where T : notnull
    {
        foreach (var item in items)
        {
            Emit(item, typeName);
        }
    }

    internal static ErrorRecord Error(string message, string errorId, ErrorCategory category, object? target, Exception? exception = null) =>
        new(exception ?? new VirtualizationException(message), errorId, category, target);

    internal ErrorRecord VmNotFound(string name) =>
        Error($"Hyper-V was unable to find a virtual machine with name \"{name}\".", $"InvalidParameter,{GetType().Name}", ErrorCategory.ObjectNotFound, name);

    internal static bool IsWildcard(string text) => WildcardPattern.ContainsWildcardCharacters(text);

    internal static bool NameMatches(string pattern, string name) =>
        IsWildcard(pattern)
            ? new WildcardPattern(pattern, WildcardOptions.IgnoreCase).IsMatch(name)
            : string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The VMs named (wildcards allowed) or passed as objects, in order; writes Hyper-V's
    /// not-found error for each literal name or object that matches nothing.
    /// </summary>
    internal List<VmRef> ResolveVms(IEnumerable<string>? names, IEnumerable<VirtualMachine>? vms)
    {
        var (found, missing) = Sim.Read(h =>
        {
            var result = new List<VmRef>();
            var notFound = new List<string>();
            foreach (var name in names ?? [])
            {
                var matches = h.Vms.Where(v => NameMatches(name, v.Name)).Select(v => new VmRef(v.Id, v.Name)).ToList();
                if (matches.Count == 0 && !IsWildcard(name))
                {
                    notFound.Add(name);
                }

                result.AddRange(matches);
            }

            foreach (var vm in vms ?? [])
            {
                var match = h.Vms.Find(v => v.Id == vm.Id);
                if (match is null)
                {
                    notFound.Add(vm.Name);
                }
                else
                {
                    result.Add(new VmRef(match.Id, match.Name));
                }
            }

            return (result.DistinctBy(r => r.Id).ToList(), notFound);
        });

        foreach (var name in missing)
        {
            WriteError(VmNotFound(name));
        }

        return found;
    }

    /// <summary>
    /// Runs <paramref name="change"/> on one VM under the host's lock. The change validates before it
    /// mutates, so an error leaves the VM as it was.
    /// </summary>
    internal VmOutcome<T> ChangeVm<T>(VmRef target, Func<SimulatedVm, SimulatedHost, DateTimeOffset, VmOutcome<T>> change)
    {
        var outcome = Sim.Update(h =>
        {
            var vm = h.Vms.Find(v => v.Id == target.Id);
            return vm is null ? VmOutcome<T>.Fail(VmNotFound(target.Name)) : change(vm, h, Now);
        });
        if (outcome.Warning is { } warning)
        {
            WriteWarning(warning);
        }

        if (outcome.Error is { } error)
        {
            WriteError(error);
        }

        return outcome;
    }

    internal VmOutcome<T> VmStateError<T>(SimulatedVm vm, string action, VMState state) => VmOutcome<T>.Fail(Error(
        $"'{vm.Name}' failed to {action}. The operation cannot be performed while the virtual machine is in its current state. (Virtual machine ID {vm.Id.ToString().ToUpperInvariant()}, state {state})",
        $"InvalidState,{GetType().Name}",
        ErrorCategory.InvalidOperation,
        vm.Name));
}

/// <summary>A VM picked by a cmdlet: its id (stable) and the name it was found under.</summary>
internal readonly record struct VmRef(Guid Id, string Name);

/// <summary>What a change to one VM produced: a value, an error, a warning, and when a transition ends.</summary>
internal sealed record VmOutcome<T>(T? Value, ErrorRecord? Error = null, string? Warning = null, DateTimeOffset? WaitUntil = null)
{
    public static VmOutcome<T> Fail(ErrorRecord error) => new(default, error);

    public static VmOutcome<T> Ok(T value, DateTimeOffset? waitUntil = null) => new(value, null, null, waitUntil);
}
