using System.Management.Automation;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>The L2 VMs inside an L1 guest, read and powered over PowerShell Direct (the cascade's guest script).</summary>
public sealed partial class PowerShellHyperVHost : IGuestVms
{
    /// <inheritdoc />
    public async Task<GuestVmsReading> GetGuestVmsAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default)
    {
        var vmName = await VmNameAsync(vmId, cancellationToken).ConfigureAwait(false);
        var rows = await RunInGuestAsync(HostScript.GuestNestedVms, vmId, vmName, credential, "Invoke-Command -VMId (Get-VM inside the guest)", new() { ["Action"] = "Read" }, cancellationToken).ConfigureAwait(false);
        return ReadGuestVms(rows);
    }

    /// <inheritdoc />
    public Task<GuestVm> StopGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default) =>
        PowerGuestVmAsync(vmId, credential, nestedVmId, "Stop", "Invoke-Command -VMId (Stop-VM -Force inside the guest)", Timeouts.GracefulShutdown, cancellationToken);

    /// <inheritdoc />
    public Task<GuestVm> StartGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default) =>
        PowerGuestVmAsync(vmId, credential, nestedVmId, "Start", "Invoke-Command -VMId (Start-VM inside the guest)", Timeouts.Start, cancellationToken);

    private async Task<GuestVm> PowerGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, string action, string operation, TimeSpan limit, CancellationToken cancellationToken)
    {
        var vmName = await VmNameAsync(vmId, cancellationToken).ConfigureAwait(false);
        var rows = await RunInGuestAsync(HostScript.GuestNestedVms, vmId, vmName, credential, operation, new() { ["Action"] = action, ["NestedVMId"] = nestedVmId }, cancellationToken, limit).ConfigureAwait(false);
        return ReadGuestVms(rows).Vms.FirstOrDefault(v => v.Id == nestedVmId)
            ?? throw new HostOperationException(HostErrorKind.HostRefused, Name, operation, $"The guest did not return L2 VM {nestedVmId}.", vmName);
    }

    /// <summary>The guest script's rows: a GuestHyperV row (read only) and one NestedVm row a VM.</summary>
    internal static GuestVmsReading ReadGuestVms(IEnumerable<PSObject> rows)
    {
        var runs = true;
        var vms = new List<GuestVm>();
        foreach (var row in rows)
        {
            switch (HostRows.KindOf(row))
            {
                case "GuestHyperV":
                    runs = HostRows.Boolean(row, "Runs");
                    break;
                case "NestedVm":
                    vms.Add(new GuestVm(HostRows.IdOf(row), HostRows.Text(row, "Name"), Enum.TryParse<VmState>(HostRows.Text(row, "State"), out var state) ? state : VmState.Other));
                    break;
                default:
                    break;
            }
        }

        return new GuestVmsReading(runs, vms);
    }
}
