using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>New VMs ready for nesting, their steps reported as the host takes them.</summary>
public sealed partial class PowerShellHyperVHost : IHostSwitches
{
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
        var parameters = new Dictionary<string, object?>
        {
            ["Name"] = plan.Name,
            ["MemoryStartupBytes"] = plan.MemoryStartupBytes,
            ["ProcessorCount"] = plan.ProcessorCount,
            ["SwitchName"] = plan.SwitchName,
            ["Version"] = version,
        };
        if (plan.OsImagePath is not null)
        {
            // Only with an image: the script's parameter set without it is the one the New VM dialog has always used.
            parameters["ParentPath"] = plan.OsImagePath;
        }

        var command = new HostCommand(
            HostScript.NewVm,
            parameters,
            (plan.OsImagePath is null ? "" : $"New-VHD -ParentPath '{plan.OsImagePath}' -Differencing -Path '<VirtualHardDiskPath>\\{plan.DiskFileName}'; ") +
            $"New-VM -Generation 2 -Version {version} -MemoryStartupBytes {plan.MemoryStartupBytes} -SwitchName '{plan.SwitchName}'{(plan.OsImagePath is null ? "" : " -VHDPath")}; Set-VMMemory -DynamicMemoryEnabled $false; " +
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

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetSwitchNamesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await Session.InvokeAsync(new HostCommand(HostScript.HostSwitches, Empty, "Get-VMSwitch"), cancellationToken).ConfigureAwait(false);
        return [.. rows.Where(r => HostRows.KindOf(r) == "Switch").Select(r => HostRows.Text(r, "Name"))];
    }
}
