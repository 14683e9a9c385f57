using System.Collections;
using System.Management.Automation;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>Guest set-up: networking and Hyper-V inside an L1 guest over PowerShell Direct, and new VMs ready for nesting.</summary>
public sealed partial class PowerShellHyperVHost
{
    /// <summary>How long <see cref="InstallHyperVAsync"/> waits for the guest to come back after its restart.</summary>
    public TimeSpan GuestRestartTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the guest is asked whether it is back while waiting.</summary>
    public TimeSpan GuestPollInterval { get; set; } = TimeSpan.FromSeconds(3);

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

    /// <inheritdoc />
    public async Task<GuestNetworkState> InstallHyperVAsync(Guid vmId, GuestCredential credential, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        const string Operation = "Install Hyper-V in the guest";
        var vm = await GetVmAsync(vmId, cancellationToken).ConfigureAwait(false);
        if (!vm.ExposeVirtualizationExtensions)
        {
            throw new HostOperationException(HostErrorKind.HostRefused, Name, Operation,
                "Nested virtualization is off for this VM, so Hyper-V cannot run inside it. Turn nested virtualization on first " +
                "(with the VM Off: Set-VMProcessor -ExposeVirtualizationExtensions $true), start the VM, then install Hyper-V.", vm.Name);
        }

        var before = await ReadGuestAsync(vmId, vm.Name, credential, cancellationToken).ConfigureAwait(false);
        if (before.Os?.HyperV == GuestHyperVState.Installed)
        {
            progress?.Report(HyperVInstallProgress.Installed);
            return before;
        }

        progress?.Report(HyperVInstallProgress.Installing);
        var isServer = before.Os?.IsServer ?? true;
        HostOperationException? installFailure = null;
        if (before.Os?.HyperV != GuestHyperVState.RestartPending)
        {
            try
            {
                await RunInGuestAsync(HostScript.InstallHyperV, vmId, vm.Name, credential, InstallCommand(isServer), [], cancellationToken, Timeouts.InstallHyperV).ConfigureAwait(false);
            }
            catch (HostOperationException error) when (error.Kind is HostErrorKind.StillRunning)
            {
                // Not a failure: the guest is left to finish installing, and the wait below reads it again until it has.
                progress?.Report(HyperVInstallProgress.StillRunning);
                var found = await ReadGuestAsync(vmId, vm.Name, credential, cancellationToken).ConfigureAwait(false);
                if (found.Os?.HyperV == GuestHyperVState.Installed)
                {
                    progress?.Report(HyperVInstallProgress.Installed);
                    return found;
                }
            }
            catch (HostOperationException error) when (isServer && error.Kind is HostErrorKind.HostRefused or HostErrorKind.Unreachable)
            {
                // Install-WindowsFeature -Restart may take PowerShell Direct's session down with the guest; the wait below tells.
                installFailure = error;
            }
        }

        progress?.Report(HyperVInstallProgress.Restarting);
        if (!isServer || before.Os?.HyperV == GuestHyperVState.RestartPending)
        {
            // The client cmdlet cannot restart over PowerShell Direct (nor can a pending install): restart the VM from the host.
            progress?.Report(HyperVInstallProgress.ShuttingDown);
            try
            {
                await StopVmAsync(vmId, StopMode.ShutDown, cancellationToken).ConfigureAwait(false);
            }
            catch (HostOperationException error)
            {
                throw RestartFailed(error, vm.Name, stopped: false);
            }

            progress?.Report(HyperVInstallProgress.StartingAgain);
            try
            {
                await StartVmAsync(vmId, cancellationToken).ConfigureAwait(false);
            }
            catch (HostOperationException error)
            {
                throw RestartFailed(error, vm.Name, stopped: true);
            }
        }

        progress?.Report(HyperVInstallProgress.WaitingForGuest);
        var after = await WaitForHyperVAsync(vmId, vm.Name, credential, installFailure, cancellationToken).ConfigureAwait(false);
        progress?.Report(HyperVInstallProgress.Installed);
        return after;
    }

    /// <inheritdoc />
    public async Task<VmSnapshot> CreateVmAsync(NewVmRequest request, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var facts = await GetHostFactsAsync(cancellationToken).ConfigureAwait(false);
        var switches = await GetSwitchNamesAsync(cancellationToken).ConfigureAwait(false);
        var planned = NewVmPlan.Create(request, facts, switches);
        if (!planned.IsValid)
        {
            throw new NewVmRefusedException(Name, planned.Problems);
        }

        var plan = planned.Plan;
        var version = plan.ConfigVersion.ToString(2);
        var command = new HostCommand(
            HostScript.NewVm,
            new Dictionary<string, object?>
            {
                ["Name"] = plan.Name,
                ["MemoryStartupBytes"] = plan.MemoryStartupBytes,
                ["ProcessorCount"] = plan.ProcessorCount,
                ["SwitchName"] = plan.SwitchName,
                ["Version"] = version,
            },
            $"New-VM -Generation 2 -Version {version} -MemoryStartupBytes {plan.MemoryStartupBytes} -SwitchName '{plan.SwitchName}'; Set-VMMemory -DynamicMemoryEnabled $false; " +
            $"Set-VMProcessor -Count {plan.ProcessorCount} -ExposeVirtualizationExtensions $true; Set-VMNetworkAdapter -MacAddressSpoofing On",
            plan.Name);
        // The script is one call; its Step rows, taken as the host writes them, say which step it has begun.
        var steps = progress is null ? null : new NewVmSteps(Name, plan.Name, progress);
        try
        {
            var (_, vms) = await RunAsync(command with { Limit = Timeouts.NewVm }, cancellationToken, steps is null ? null : steps.Read).ConfigureAwait(false);
            var created = vms.SingleOrDefault() ?? throw MissingRow(command, "the new VM");
            steps?.End(OperationStepStatus.Done, null);
            return created;
        }
        catch (HostOperationException error)
        {
            steps?.End(error.Kind is HostErrorKind.StillRunning ? OperationStepStatus.StillRunning : OperationStepStatus.Failed, error.HostMessage);
            throw;
        }
        catch (OperationCanceledException)
        {
            steps?.End(OperationStepStatus.Skipped, null);
            throw;
        }
    }

    /// <summary>
    /// A new VM's steps (<see cref="NewVmPlan.Steps"/>) as its script's Step rows report them: all Pending at first, then the one
    /// a row names Running (those before it Done), and when the call ends the running one Done, Failed or still running.
    /// </summary>
    private sealed class NewVmSteps
    {
        private readonly Lock _gate = new();
        private readonly IProgress<OperationStep> _progress;
        private readonly OperationStep[] _steps;
        private int _running = -1;
        private bool _ended;

        public NewVmSteps(string hostName, string vmName, IProgress<OperationStep> progress)
        {
            _progress = progress;
            _steps = [.. NewVmPlan.Steps.Select((s, i) => new OperationStep(hostName, Guid.Empty, vmName, i, s.Kind, s.Title, OperationStepStatus.Pending))];
            foreach (var step in _steps)
            {
                progress.Report(step);
            }
        }

        /// <summary>Takes one row of the script's output as it arrives (on the thread that received it, the script waiting for it in-process).</summary>
        public void Read(PSObject row)
        {
            if (HostRows.KindOf(row) != "Step")
            {
                return;
            }

            var index = HostRows.Int32(row, "Index");
            lock (_gate)
            {
                if (_ended || index < 0 || index >= _steps.Length || index <= _running)
                {
                    return;
                }

                for (var i = Math.Max(_running, 0); i < index; i++)
                {
                    Set(i, OperationStepStatus.Done, null);
                }

                // The script's own words for the step, should they ever differ from the plan's.
                var title = HostRows.OptionalText(row, "Title") ?? _steps[index].Title;
                _steps[index] = _steps[index] with { Title = title };
                Set(index, OperationStepStatus.Running, null);
                _running = index;
            }
        }

        /// <summary>The call ended: the running step (or, for a success, every step) takes <paramref name="status"/>; later steps Skipped when it failed.</summary>
        public void End(OperationStepStatus status, string? hostMessage)
        {
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                _ended = true;
                if (status is OperationStepStatus.Done)
                {
                    for (var i = 0; i < _steps.Length; i++)
                    {
                        if (_steps[i].Status is not OperationStepStatus.Done)
                        {
                            Set(i, OperationStepStatus.Done, null);
                        }
                    }

                    return;
                }

                if (_running >= 0 && status is not OperationStepStatus.Skipped)
                {
                    Set(_running, status, hostMessage);
                }

                if (status is not OperationStepStatus.StillRunning)
                {
                    for (var i = _running + 1; i < _steps.Length; i++)
                    {
                        Set(i, OperationStepStatus.Skipped, null);
                    }
                }
            }
        }

        private void Set(int index, OperationStepStatus status, string? hostMessage)
        {
            _steps[index] = _steps[index] with { Status = status, HostMessage = hostMessage };
            _progress.Report(_steps[index]);
        }
    }

    /// <summary>The host's virtual switches' names (Get-VMSwitch).</summary>
    public async Task<IReadOnlyList<string>> GetSwitchNamesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await Session.InvokeAsync(new HostCommand(HostScript.HostSwitches, Empty, "Get-VMSwitch"), cancellationToken).ConfigureAwait(false);
        return [.. rows.Where(r => HostRows.KindOf(r) == "Switch").Select(r => HostRows.Text(r, "Name"))];
    }

    /// <summary>
    /// The restart that finishes a client's Hyper-V install failed at its shut down or its start: the same failure, its step named
    /// as the restart's, and its host message saying what the guest and the VM were left with and what to do.
    /// </summary>
    private HostOperationException RestartFailed(HostOperationException error, string vmName, bool stopped)
    {
        var lost = error.Kind is HostErrorKind.Unreachable or HostErrorKind.Timeout;
        var left = (stopped, lost, error.Kind) switch
        {
            (false, _, HostErrorKind.StillRunning) => "The host is still shutting the VM down. Read the VM again; once it is Off, start it to finish.",
            (true, _, HostErrorKind.StillRunning) => "The VM was shut down for the restart and the host is still starting it. Read the VM again; if it stays Off, start it to finish.",
            (false, false, _) => "The VM was not shut down: it is still Running, and Hyper-V starts working in it after its next restart. Restart the VM to finish.",
            (false, true, _) => "The host was lost during the shut down, so the VM may be Running, shutting down or Off. Read the VM again; if it is Off, start it to finish, if Running, restart it.",
            (true, false, _) => "The VM was shut down for the restart but could not be started again: it is Off. Start the VM to finish.",
            (true, true, _) => "The VM was shut down for the restart and the host was lost while starting it again: it may still be Off. Read the VM again and start it if it is Off.",
        };
        return new HostOperationException(
            error.Kind,
            Name,
            HyperVInstallProgress.RestartStepTitle(stopped ? "Start-VM" : "Stop-VM"),
            $"{error.HostMessage} Hyper-V is installed in the guest and waits for this restart. {left}",
            vmName,
            error);
    }

    private static string InstallCommand(bool isServer) => isServer
        ? "Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart"
        : "Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All";

    /// <summary>Polls until the VM runs, the guest answers and reports Hyper-V installed, within <see cref="GuestRestartTimeout"/>.</summary>
    private async Task<GuestNetworkState> WaitForHyperVAsync(Guid vmId, string vmName, GuestCredential credential, HostOperationException? installFailure, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + GuestRestartTimeout;
        string last = "no answer yet";
        while (true)
        {
            try
            {
                var vm = await GetVmAsync(vmId, cancellationToken).ConfigureAwait(false);
                if (vm.State == VmState.Running)
                {
                    var state = await ReadGuestAsync(vmId, vmName, credential, cancellationToken).ConfigureAwait(false);
                    if (state.Os?.HyperV == GuestHyperVState.Installed)
                    {
                        return state;
                    }

                    last = $"the guest answers, Hyper-V is {state.Os?.HyperV.ToString() ?? "unknown"}";
                    if (installFailure is not null && state.Os?.HyperV == GuestHyperVState.NotInstalled)
                    {
                        throw installFailure;
                    }
                }
                else
                {
                    last = $"the VM is {vm.State}";
                }
            }
            catch (HostOperationException error) when (error.Kind is HostErrorKind.InvalidVmState or HostErrorKind.HostRefused or HostErrorKind.Unreachable && !ReferenceEquals(error, installFailure))
            {
                // A guest that is still booting refuses PowerShell Direct; ask again.
                last = error.HostMessage;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new HostOperationException(HostErrorKind.Timeout, Name, "Wait for the guest after installing Hyper-V",
                    $"The guest did not come back with Hyper-V installed within {GuestRestartTimeout.TotalSeconds:0} seconds (last: {last}).", vmName);
            }

            await Task.Delay(GuestPollInterval, cancellationToken).ConfigureAwait(false);
        }
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

    private async Task<GuestNetworkState> ReadGuestAsync(Guid vmId, string vmName, GuestCredential credential, CancellationToken cancellationToken)
    {
        var rows = await RunInGuestAsync(HostScript.GuestNetwork, vmId, vmName, credential, "Invoke-Command -VMId (Get-VMSwitch; Get-NetNat; Get-NetIPAddress; Hyper-V feature state)", [], cancellationToken).ConfigureAwait(false);
        return ReadGuestState(rows);
    }

    internal static GuestNetworkState ReadGuestState(IEnumerable<PSObject> rows)
    {
        var switches = new List<(string Name, string Type)>();
        var nats = new List<GuestNat>();
        var addresses = new List<GuestIPAddress>();
        GuestOs? os = null;
        foreach (var row in rows)
        {
            switch (HostRows.KindOf(row))
            {
                case "GuestOs":
                    os = new GuestOs(
                        HostRows.Text(row, "Caption"),
                        HostRows.Text(row, "Version"),
                        HostRows.Boolean(row, "IsServer"),
                        Enum.TryParse<GuestHyperVState>(HostRows.Text(row, "HyperV"), out var hyperV) ? hyperV : GuestHyperVState.NotInstalled);
                    break;
                case "Switch":
                    switches.Add((HostRows.Text(row, "Name"), HostRows.Text(row, "SwitchType")));
                    break;
                case "Nat":
                    nats.Add(new GuestNat(HostRows.Text(row, "Name"), HostRows.OptionalText(row, "InternalIPInterfaceAddressPrefix")));
                    break;
                case "Address":
                    addresses.Add(new GuestIPAddress(HostRows.Text(row, "IPAddress"), HostRows.Int32(row, "PrefixLength"), HostRows.Text(row, "InterfaceAlias")));
                    break;
                default:
                    break;
            }
        }

        return new GuestNetworkState([.. switches.Select(s => s.Name)], nats, addresses)
        {
            InternalSwitchNames = [.. switches.Where(s => string.Equals(s.Type, "Internal", StringComparison.OrdinalIgnoreCase)).Select(s => s.Name)],
            Os = os,
        };
    }

    private async Task<IReadOnlyList<PSObject>> RunInGuestAsync(
        HostScript script, Guid vmId, string vmName, GuestCredential credential, string operation, Dictionary<string, object?> parameters, CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        parameters["VMId"] = vmId;
        parameters["Credential"] = ToPSCredential(credential, vmName, operation);
        return await Session.InvokeAsync(new HostCommand(script, parameters, operation, vmName) { Limit = limit }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The credential as PowerShell takes it: a parameter value, never text.</summary>
    private PSCredential ToPSCredential(GuestCredential credential, string vmName, string operation)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (string.IsNullOrWhiteSpace(credential.UserName))
        {
            throw new HostOperationException(HostErrorKind.GuestAuthenticationFailed, Name, operation, "No guest user name was given.", vmName);
        }

        var password = new System.Security.SecureString();
        foreach (var c in credential.Password ?? "")
        {
            password.AppendChar(c);
        }

        password.MakeReadOnly();
        return new PSCredential(credential.UserName, password);
    }

    private async Task<string> VmNameAsync(Guid vmId, CancellationToken cancellationToken) =>
        _vmNames.TryGetValue(vmId, out var name) ? name : (await GetVmAsync(vmId, cancellationToken).ConfigureAwait(false)).Name;
}
