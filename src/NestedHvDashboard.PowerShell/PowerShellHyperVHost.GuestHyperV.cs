using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>Guest set-up: installing Hyper-V inside an L1 guest over PowerShell Direct, and the restart that finishes it.</summary>
public sealed partial class PowerShellHyperVHost
{
    /// <summary>How long <see cref="InstallHyperVAsync"/> waits for the guest to come back after its restart.</summary>
    public TimeSpan GuestRestartTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the guest is asked whether it is back while waiting.</summary>
    public TimeSpan GuestPollInterval { get; set; } = TimeSpan.FromSeconds(3);

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
}
