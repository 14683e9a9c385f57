using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// PowerShell Direct into a simulated guest: what Invoke-Command -VMName/-VMId does on a real host.
/// The module's Invoke-Command function sends those parameter sets here and everything else to the real
/// cmdlet. The script block runs, as text, in a fresh runspace bound to the guest's own simulated host (in-process, the
/// VM's guest object; file-backed, the VM's guest in the state file, whose faults file then arms the guest's cmdlets too);
/// output comes back serialized (Deserialized.*) with PSComputerName, as over a real remoting session.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SimulatedGuestCommand", DefaultParameterSetName = "VMName")]
public sealed class InvokeSimulatedGuestCommandCommand : SimulatorCmdlet
{
    private readonly List<PSObject> input = [];
    private readonly Lock gate = new();
    private PowerShell? running;

    [Parameter(ParameterSetName = "VMName", Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] VMName { get; set; } = [];

    [Parameter(ParameterSetName = "VMId", Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("VMGuid")]
    public Guid[] VMId { get; set; } = [];

    [Parameter(Mandatory = true)]
    [Credential]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [Alias("Command")]
    public ScriptBlock ScriptBlock { get; set; } = ScriptBlock.Create("");

    [Parameter]
    [Alias("Args")]
    public object[]? ArgumentList { get; set; }

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    public SwitchParameter HideComputerName { get; set; }

    [Parameter]
    public string? ConfigurationName { get; set; }

    [Parameter]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            input.Add(InputObject);
        }
    }

    protected override void EndProcessing()
    {
        var host = BoundHost;
        var file = host is null ? StateFile : null;
        if (host is null && (file is null || GuestVmId is not null))
        {
            ThrowTerminatingError(Error(
                file is null
                    ? "PowerShell Direct into simulated guests needs a simulated host: an in-process one (SimulatorModule.CreateSessionState) or a state file."
                    : "PowerShell Direct from a file-backed simulated guest into its own VMs (a second level) is not simulated.",
                "PSDirectNotSimulated",
                ErrorCategory.NotImplemented,
                null));
        }

        // In-process, the guest's runspace is bound to the VM's guest object; file-backed, to the VM's guest in the state file.
        Func<Guid, SimulatedGuest, InitialSessionState> session = host is not null
            ? (vmId, guest) => SimulatorModule.CreateGuestSessionState(host, vmId, guest.Host)
            : (vmId, _) => SimulatorModule.CreateFileBackedGuestSessionState(file!, vmId);
        var targets = ParameterSetName == "VMId" ? VMId.Select(id => (object)id) : VMName;
        foreach (var target in targets)
        {
            RunIn(Sim, target, session);
        }
    }

    protected override void StopProcessing()
    {
        lock (gate)
        {
            running?.Stop();
        }

        base.StopProcessing();
    }

    private void RunIn(HostAccess host, object target, Func<Guid, SimulatedGuest, InitialSessionState> session)
    {
        var now = Now;
        var found = host.Read(h => h.Vms.Where(v => target is Guid id ? v.Id == id : string.Equals(v.Name, (string)target, StringComparison.OrdinalIgnoreCase))
            .Select(v => (v.Id, v.Name, State: v.StateAt(now), v.GuestOsName, v.GuestOsVersion, v.Guest))
            .ToList());
        if (found.Count != 1)
        {
            var message = target is Guid
                ? $"The input VMId {target} does not resolve to a single virtual machine."
                : $"The input VMName {target} does not resolve to a single virtual machine.";
            WriteError(Error(message, target is Guid ? "InvalidVMIdNotSingle" : "InvalidVMNameNotSingle", ErrorCategory.InvalidArgument, target, new ArgumentException(message)));
            return;
        }

        var vm = found[0];
        if (vm.State != VMState.Running)
        {
            var message = $"The virtual machine {vm.Name} is not in running state.";
            WriteError(Error(message, "InvalidVMState", ErrorCategory.InvalidOperation, vm.Name, new ArgumentException(message)));
            return;
        }

        if (vm.Guest is null || !RunsPowerShellDirect(vm.GuestOsName, vm.GuestOsVersion))
        {
            var message = $"An error has occurred which Windows PowerShell cannot handle. PowerShell Direct needs a Windows 10 / Windows Server 2016 or later guest, and the virtual machine {vm.Name} runs {vm.GuestOsName ?? "an operating system that does not report itself to Hyper-V"}.";
            WriteError(Error(message, "PSDirectGuestNotWindows", ErrorCategory.OpenError, vm.Name, new PSRemotingTransportException(message)));
            return;
        }

        if (Credential == PSCredential.Empty || !vm.Guest.Accepts(Credential.UserName, Credential.GetNetworkCredential().Password, vm.Name))
        {
            const string message = "The credential is invalid.";
            WriteError(Error(message, "InvalidCredential", ErrorCategory.InvalidArgument, vm.Name, new PSRemotingTransportException(message)));
            return;
        }

        var state = session(vm.Id, vm.Guest);
        if (SessionState.PSVariable.GetValue(SimulatorModule.ParentHostVariableName) is { } l0 && SessionState.PSVariable.GetValue(SimulatorModule.ParentVmIdVariableName) is { } l1)
        {
            // A second hop (from an L1 guest into its L2): the L2's reachability needs the L1's own VM, on the L1's host.
            state.Variables.Add(new SessionStateVariableEntry(SimulatedReachability.GrandparentHostVariableName, l0 is PSObject h ? h.BaseObject : l0, "The host the L1 VM runs on.", ScopedItemOptions.ReadOnly));
            state.Variables.Add(new SessionStateVariableEntry(SimulatedReachability.GrandparentVmIdVariableName, l1 is PSObject i ? i.BaseObject : l1, "The L1 VM's id on its host.", ScopedItemOptions.ReadOnly));
        }

        using var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using var ps = PowerShell.Create(runspace);
        ps.AddScript(ScriptBlock.ToString());
        foreach (var argument in ArgumentList ?? [])
        {
            ps.AddArgument(argument);
        }

        lock (gate)
        {
            running = ps;
        }

        System.Collections.ObjectModel.Collection<PSObject> output;
        try
        {
            output = input.Count > 0 ? ps.Invoke(input) : ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            output = [];
            ps.Streams.Error.Add(ex.ErrorRecord);
        }
        finally
        {
            lock (gate)
            {
                running = null;
            }
        }

        foreach (var warning in ps.Streams.Warning)
        {
            WriteWarning(warning.Message);
        }

        foreach (var error in ps.Streams.Error)
        {
            WriteError(error);
        }

        foreach (var item in output)
        {
            WriteObject(FromGuest(item, vm.Name));
        }
    }

    /// <summary>What the caller gets back: a deserialized copy, tagged with the VM's name like remoting output.</summary>
    private PSObject? FromGuest(PSObject? item, string vmName)
    {
        if (item is null)
        {
            return null;
        }

        var copy = PSObject.AsPSObject(PSSerializer.Deserialize(PSSerializer.Serialize(item, 2)));
        if (!HideComputerName && copy.BaseObject is not string && !copy.BaseObject.GetType().IsPrimitive)
        {
            copy.Properties.Add(new PSNoteProperty("PSComputerName", vmName));
        }

        return copy;
    }

    /// <summary>PowerShell Direct exists from Windows 10 / Windows Server 2016 (version 10.0) on.</summary>
    private static bool RunsPowerShellDirect(string? osName, string? osVersion) =>
        osName is not null && osName.Contains("Windows", StringComparison.OrdinalIgnoreCase) &&
        System.Version.TryParse(osVersion, out var version) && version.Major >= 10;
}
