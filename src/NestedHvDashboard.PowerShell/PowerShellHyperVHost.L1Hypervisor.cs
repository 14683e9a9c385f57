using System.Management.Automation;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The Hyper-V inside an L1 guest over PowerShell Direct: its external switch (created, checked, removed again on failure), its
/// L2 VMs and their adapters; and this host's own switches for its VMs' adapters. Every change is validated against a fresh
/// read of the L1 (its host's view) and of the guest before anything runs.
/// </summary>
public sealed partial class PowerShellHyperVHost : IL1Hypervisor, IVmSwitchConnections
{
    // The guest script's words when it removed a switch it had just created (GuestL1SwitchChange.ps1).
    private const string RemovedAgain = "the switch was removed again";

    private const string ReadOperation = "Invoke-Command -VMId (Get-NetAdapter; Get-VMSwitch; Get-VMNetworkAdapter inside the guest)";

    /// <inheritdoc />
    public async Task<L1SwitchesReading> GetL1SwitchesAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default)
    {
        var vmName = await VmNameAsync(vmId, cancellationToken).ConfigureAwait(false);
        return await ReadL1Async(vmId, vmName, credential, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<L1SwitchesReading> CreateExternalSwitchAsync(Guid vmId, GuestCredential credential, ExternalSwitchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (l1, before) = await ReadBothAsync(vmId, credential, cancellationToken).ConfigureAwait(false);
        Refuse(l1, before is null ? L1SwitchPlan.CheckL1(l1, null) : L1SwitchPlan.ValidateCreate(l1, before, request));
        var command = L1SwitchPlan.CreateExternal(request);
        var switchName = request.SwitchName.Trim();
        try
        {
            await ChangeSwitchAsync(vmId, l1.Name, credential, command.DisplayText, "CreateExternal", switchName, request.NetAdapterName.Trim(), null, cancellationToken).ConfigureAwait(false);
        }
        catch (HostOperationException ex) when (ex.Kind is not HostErrorKind.GuestAuthenticationFailed)
        {
            // The guest script removes a switch whose host adapter did not come up; otherwise New-VMSwitch may have run before the
            // call broke: remove the switch when it is there now (its name was free before).
            var undone = ex.HostMessage.Contains(RemovedAgain, StringComparison.Ordinal)
                ? ""
                : await UndoCreateAsync(vmId, l1.Name, credential, switchName, onlyIfThere: true).ConfigureAwait(false);
            throw new HostOperationException(ex.Kind, Name, ex.Operation, ex.HostMessage + undone, l1.Name, ex);
        }

        try
        {
            // The guest must still answer once its adapter is shared with the switch.
            return await ReadL1Async(vmId, l1.Name, credential, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HostOperationException ex) when (ex.Kind is not HostErrorKind.GuestAuthenticationFailed)
        {
            throw new HostOperationException(ex.Kind, Name, $"{ReadOperation}, after {command.DisplayText}",
                $"The guest stopped answering after the switch was created: {ex.HostMessage}" + await UndoCreateAsync(vmId, l1.Name, credential, switchName, onlyIfThere: false).ConfigureAwait(false), l1.Name, ex);
        }
    }

    /// <inheritdoc />
    public async Task<L1SwitchesReading> RemoveExternalSwitchAsync(Guid vmId, GuestCredential credential, string switchName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(switchName);
        var (l1, before) = await ReadBothAsync(vmId, credential, cancellationToken).ConfigureAwait(false);
        Refuse(l1, before is null ? L1SwitchPlan.CheckL1(l1, null) : L1SwitchPlan.ValidateRemove(l1, before, switchName));
        var command = L1SwitchPlan.RemoveSwitch(switchName);
        await ChangeSwitchAsync(vmId, l1.Name, credential, command.DisplayText, "Remove", switchName.Trim(), null, null, cancellationToken).ConfigureAwait(false);
        return await ReadL1Async(vmId, l1.Name, credential, CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<L1SwitchesReading> ConnectL2AdapterAsync(Guid vmId, GuestCredential credential, string l2VmName, string switchName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(l2VmName);
        ArgumentNullException.ThrowIfNull(switchName);
        var (l1, before) = await ReadBothAsync(vmId, credential, cancellationToken).ConfigureAwait(false);
        Refuse(l1, before is null ? L1SwitchPlan.CheckL1(l1, null) : L1SwitchPlan.ValidateConnect(l1, before, l2VmName, switchName));
        var command = L1SwitchPlan.Connect(l2VmName, switchName);
        await ChangeSwitchAsync(vmId, l1.Name, credential, command.DisplayText, "Connect", switchName.Trim(), null, l2VmName.Trim(), cancellationToken).ConfigureAwait(false);
        return await ReadL1Async(vmId, l1.Name, credential, CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<GuestVm> CreateL2VmAsync(Guid vmId, GuestCredential credential, L2VmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (l1, before) = await ReadBothAsync(vmId, credential, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            Refuse(l1, L1SwitchPlan.CheckL1(l1, null));
        }

        var existing = before is { HyperVRuns: true } ? (await GetGuestVmsAsync(vmId, credential, cancellationToken).ConfigureAwait(false)).Vms.Select(v => v.Name).ToList() : [];
        Refuse(l1, L1SwitchPlan.ValidateNewL2Vm(l1, before!, existing, request));
        var name = request.Name.Trim();
        var operation = string.Join("; ", L1SwitchPlan.NewL2Vm(request).Select(c => c.DisplayText));
        var rows = await RunInGuestAsync(HostScript.GuestNewL2Vm, vmId, l1.Name, credential, operation, new()
        {
            ["Name"] = name,
            ["ProcessorCount"] = request.ProcessorCount,
            ["MemoryStartupBytes"] = request.MemoryStartupBytes,
            ["SwitchName"] = request.SwitchName.Trim(),
            ["OsImagePath"] = request.OsImagePath?.Trim() ?? "",
        }, cancellationToken).ConfigureAwait(false);
        return ReadGuestVms(rows).Vms.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new HostOperationException(HostErrorKind.HostRefused, Name, operation, $"The guest did not return the new L2 VM '{name}'.", l1.Name);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<L1Switch>> GetHostSwitchesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await Session.InvokeAsync(new HostCommand(HostScript.HostSwitches, Empty, "Get-VMSwitch"), cancellationToken).ConfigureAwait(false);
        return [.. rows.Where(r => HostRows.KindOf(r) == "Switch").Select(r => new L1Switch(HostRows.Text(r, "Name"), HostRows.Text(r, "SwitchType"), null))];
    }

    /// <inheritdoc />
    public Task<VmSnapshot> ConnectVmAdapterAsync(Guid vmId, string? adapterName, string switchName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(switchName);
        var target = adapterName is null ? "every adapter" : $"adapter '{adapterName}'";
        return RunOnVmAsync(
            HostScript.ConnectVmAdapter,
            vmId,
            $"Connect-VMNetworkAdapter -SwitchName '{switchName}' ({target})",
            new Dictionary<string, object?> { ["AdapterName"] = adapterName, ["SwitchName"] = switchName },
            cancellationToken);
    }

    /// <summary>The guest script's rows: GuestHyperV, NetAdapter, Switch and L2Adapter.</summary>
    internal static L1SwitchesReading ReadL1Switches(IEnumerable<PSObject> rows)
    {
        var runs = false;
        var adapters = new List<L1NetAdapter>();
        var switches = new List<L1Switch>();
        var l2 = new List<L2AdapterConnection>();
        foreach (var row in rows)
        {
            switch (HostRows.KindOf(row))
            {
                case "GuestHyperV":
                    runs = HostRows.Boolean(row, "Runs");
                    break;
                case "NetAdapter":
                    adapters.Add(new(HostRows.Text(row, "Name"), HostRows.Text(row, "InterfaceDescription"), HostRows.Text(row, "Status"), Blank(HostRows.OptionalText(row, "MacAddress"))));
                    break;
                case "Switch":
                    switches.Add(new(HostRows.Text(row, "Name"), HostRows.Text(row, "SwitchType"), Blank(HostRows.OptionalText(row, "NetAdapterName"))));
                    break;
                case "L2Adapter":
                    l2.Add(new(HostRows.Text(row, "VmName"), HostRows.Text(row, "AdapterName"), Blank(HostRows.OptionalText(row, "SwitchName")), Blank(HostRows.OptionalText(row, "MacAddress"))));
                    break;
                default:
                    break;
            }
        }

        return new L1SwitchesReading(runs, adapters, switches, l2);
    }

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private async Task<L1SwitchesReading> ReadL1Async(Guid vmId, string vmName, GuestCredential credential, CancellationToken cancellationToken) =>
        ReadL1Switches(await RunInGuestAsync(HostScript.GuestL1Switches, vmId, vmName, credential, ReadOperation, [], cancellationToken).ConfigureAwait(false));

    /// <summary>The L1 as its host reports it now, and its guest's switches when it runs (null when it does not).</summary>
    private async Task<(VmSnapshot L1, L1SwitchesReading? Guest)> ReadBothAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken)
    {
        var l1 = await GetVmAsync(vmId, cancellationToken).ConfigureAwait(false);
        return (l1, l1.State is VmState.Running ? await ReadL1Async(vmId, l1.Name, credential, cancellationToken).ConfigureAwait(false) : null);
    }

    private void Refuse(VmSnapshot l1, IReadOnlyList<NatNetworkProblem> problems)
    {
        if (problems.Count > 0)
        {
            throw new L1SwitchRefusedException(Name, l1.Name, problems);
        }
    }

    private Task<IReadOnlyList<PSObject>> ChangeSwitchAsync(
        Guid vmId, string vmName, GuestCredential credential, string operation, string action, string switchName, string? netAdapterName, string? l2VmName, CancellationToken cancellationToken) =>
        RunInGuestAsync(HostScript.GuestL1SwitchChange, vmId, vmName, credential, operation, new()
        {
            ["Action"] = action,
            ["SwitchName"] = switchName,
            ["NetAdapterName"] = netAdapterName ?? "",
            ["L2VMName"] = l2VmName ?? "",
        }, cancellationToken);

    /// <summary>Removes a switch this change created; a sentence saying what became of it, for the failure's message.</summary>
    private async Task<string> UndoCreateAsync(Guid vmId, string vmName, GuestCredential credential, string switchName, bool onlyIfThere)
    {
        var undo = L1SwitchPlan.RemoveSwitch(switchName).DisplayText;
        try
        {
            if (onlyIfThere && !(await ReadL1Async(vmId, vmName, credential, CancellationToken.None).ConfigureAwait(false)).Switches.Any(s => string.Equals(s.Name, switchName, StringComparison.OrdinalIgnoreCase)))
            {
                return " The switch was not created; nothing was changed.";
            }

            await ChangeSwitchAsync(vmId, vmName, credential, undo, "Remove", switchName, null, null, CancellationToken.None).ConfigureAwait(false);
            return $" Undone: {undo}.";
        }
        catch (HostOperationException ex)
        {
            return $" Undoing it failed too ({undo}): {ex.HostMessage} The switch '{switchName}' may be left in the guest; read the guest again and remove it.";
        }
    }
}
