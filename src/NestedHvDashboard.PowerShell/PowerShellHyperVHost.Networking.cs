using System.Collections;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.PowerShell;

/// <summary>Guest set-up: NAT networking inside an L1 guest over PowerShell Direct, run as a plan of steps that undoes itself on failure.</summary>
public sealed partial class PowerShellHyperVHost
{
    /// <inheritdoc />
    public async Task<GuestNetworkState> GetGuestNetworkStateAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default)
    {
        var vmName = await VmNameAsync(vmId, cancellationToken).ConfigureAwait(false);
        return await ReadGuestAsync(vmId, vmName, credential, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<GuestNetworkState> CreateNatNetworkAsync(Guid vmId, GuestCredential credential, NatNetworkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var vmName = await VmNameAsync(vmId, cancellationToken).ConfigureAwait(false);
        var before = await ReadGuestAsync(vmId, vmName, credential, cancellationToken).ConfigureAwait(false);
        var planned = NatNetworkPlan.Create(request, before);
        if (!planned.IsValid)
        {
            throw new NatNetworkRefusedException(Name, vmName, planned.Problems);
        }

        var plan = planned.Plan;
        if (before.Os is { HyperV: not GuestHyperVState.Installed })
        {
            throw new HostOperationException(HostErrorKind.HostRefused, Name, plan.Commands[0].DisplayText,
                "Hyper-V is not installed (or not yet restarted) in the guest, so it has no New-VMSwitch; install Hyper-V in the guest first.", vmName);
        }

        var steps = plan.Commands.Select(StepWithUndo).ToArray();
        await RunStepsAsync(vmId, vmName, credential, plan.Commands, steps, cancellationToken).ConfigureAwait(false);
        return await ReadGuestAsync(vmId, vmName, credential, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<GuestNetworkState> RemoveNatNetworkAsync(Guid vmId, GuestCredential credential, string? natName, string? switchName, CancellationToken cancellationToken = default)
    {
        var vmName = await VmNameAsync(vmId, cancellationToken).ConfigureAwait(false);
        var before = await ReadGuestAsync(vmId, vmName, credential, cancellationToken).ConfigureAwait(false);
        var planned = NatNetworkRemovalPlan.Create(before, natName, switchName);
        if (!planned.IsValid)
        {
            throw new NatNetworkRefusedException(Name, vmName, planned.Problems);
        }

        var commands = planned.Plan.Commands;
        await RunStepsAsync(vmId, vmName, credential, commands, [.. commands.Select(c => Step(c, null))], cancellationToken).ConfigureAwait(false);
        return await ReadGuestAsync(vmId, vmName, credential, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunStepsAsync(Guid vmId, string vmName, GuestCredential credential, IReadOnlyList<PlannedCommand> commands, Hashtable[] steps, CancellationToken cancellationToken)
    {
        var operation = string.Join("; ", commands.Select(c => c.DisplayText));
        var rows = await RunInGuestAsync(HostScript.GuestSteps, vmId, vmName, credential, operation, new() { ["Steps"] = steps }, cancellationToken).ConfigureAwait(false);
        var failed = rows.FirstOrDefault(r => HostRows.KindOf(r) == "StepFailed");
        if (failed is not null)
        {
            var index = HostRows.Int32(failed, "Index");
            var undone = HostRows.OptionalText(failed, "Undone");
            var undoFailures = HostRows.OptionalText(failed, "UndoFailures");
            var after = string.IsNullOrEmpty(undoFailures)
                ? string.IsNullOrEmpty(undone) ? " Nothing had been changed before it." : $" Undone: {undone.Replace("\n", "; ", StringComparison.Ordinal)}."
                : $" Undoing the earlier steps failed too: {undoFailures.Replace("\n", "; ", StringComparison.Ordinal)}.";
            throw new HostOperationException(HostErrorKind.HostRefused, Name, commands[index].DisplayText, HostRows.Text(failed, "Message") + after, vmName);
        }

        if (!rows.Any(r => HostRows.KindOf(r) == "StepsDone"))
        {
            throw new HostOperationException(HostErrorKind.HostRefused, Name, operation, "The guest's answer did not say whether the commands ran.", vmName);
        }
    }

    /// <summary>A command of a set-up plan as it travels to GuestSteps.ps1, with what undoes it.</summary>
    internal static Hashtable StepWithUndo(PlannedCommand command) => Step(command, UndoOf(command));

    /// <summary>A command as data for GuestSteps.ps1: its name, its parameters as a hashtable to splat, and its undo.</summary>
    internal static Hashtable Step(PlannedCommand command, PlannedCommand? undo) => new()
    {
        ["Name"] = command.Name,
        ["Parameters"] = ParametersOf(command),
        ["Display"] = command.DisplayText,
        ["Undo"] = undo is null ? null : Step(undo, null),
    };

    private static Hashtable ParametersOf(PlannedCommand command)
    {
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in command.Parameters)
        {
            parameters[parameter.Name] = parameter.Value switch
            {
                null => true, // a switch parameter
                string text => text,
                IEnumerable<string> list => list.ToArray(),
                var value => value,
            };
        }

        return parameters;
    }

    /// <summary>What takes a created object away again; the gateway address goes with its switch's adapter.</summary>
    private static PlannedCommand? UndoOf(PlannedCommand command) => command.Name switch
    {
        "New-VMSwitch" => new("Remove-VMSwitch", [new("Name", NameOf(command)), new("Force")]),
        "New-NetNat" => new("Remove-NetNat", [new("Name", NameOf(command)), new("Confirm", false)]),
        _ => null,
    };

    private static string NameOf(PlannedCommand command) =>
        command.Parameters.First(p => p.Name == "Name").Value as string ?? throw new InvalidOperationException($"{command.Name} has no name.");
}
