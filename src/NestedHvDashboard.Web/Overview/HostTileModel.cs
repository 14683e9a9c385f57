using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Overview;

/// <summary>
/// One host at a glance, as the overview and the wall show it: connection, OS, processor vendor,
/// VM counts and how many readiness problems it has. Plain numbers, computed once per feed change.
/// </summary>
/// <param name="Name">The host's name.</param>
/// <param name="Status">Its connection status (state, since when, last error).</param>
/// <param name="OsCaption">The OS caption without the "Microsoft " prefix, or null before the first read.</param>
/// <param name="OsBuild">The OS build number, or null before the first read.</param>
/// <param name="ProcessorVendor">Intel, AMD, other; Unknown before the first read.</param>
/// <param name="VmsRunning">VMs whose state is Running.</param>
/// <param name="VmsTotal">Every VM the host reported.</param>
/// <param name="NestedOn">VMs with nested virtualization on.</param>
/// <param name="CpuPercent">Average CPU of the running VMs (0 when none runs).</param>
/// <param name="HostFailures">The host's own readiness checks that fail.</param>
/// <param name="VmsFailing">VMs with at least one failing readiness check.</param>
/// <param name="Warnings">Host checks that warn plus VMs that warn but do not fail.</param>
/// <param name="Tags">The host's tags from its settings.</param>
public sealed record HostTileModel(
    string Name,
    HostStatus Status,
    string? OsCaption,
    int? OsBuild,
    ProcessorVendor ProcessorVendor,
    int VmsRunning,
    int VmsTotal,
    int NestedOn,
    int CpuPercent,
    int HostFailures,
    int VmsFailing,
    int Warnings,
    IReadOnlyList<string> Tags)
{
    /// <summary>Readiness problems: failing host checks plus VMs with a failing check.</summary>
    public int Problems => HostFailures + VmsFailing;

    /// <summary>True when the host is unreachable or refused the credentials.</summary>
    public bool IsDown => Status.State is HostConnectionState.Unreachable or HostConnectionState.AuthenticationFailed;

    /// <summary>The processor vendor as a person writes it ("Intel", "AMD"), or null when unknown.</summary>
    public string? VendorLabel => ProcessorVendor switch
    {
        ProcessorVendor.Intel => "Intel",
        ProcessorVendor.Amd => "AMD",
        ProcessorVendor.Other => "Other CPU",
        _ => null,
    };

    /// <summary>The tile for one host as the feed last said it.</summary>
    public static HostTileModel From(HostInventoryState host, IReadOnlyList<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var running = host.Vms.Where(v => v.State == VmState.Running).ToList();
        int hostFailures = 0, warnings = 0, vmsFailing = 0;
        if (host.Facts is { } facts)
        {
            var hostSummary = ReadinessSummary.From(ReadinessEvaluator.EvaluateHost(facts));
            hostFailures = hostSummary.Failed;
            warnings = hostSummary.Warnings;
            foreach (var vm in host.Vms)
            {
                // A host failure already shows in every VM's host-support check, and a running VM is no
                // problem (the dashboard stops and starts it itself): count what the VM itself needs fixed.
                var own = ReadinessEvaluator.EvaluateVm(facts, vm).Where(c => c.RuleId is not (ReadinessRuleIds.VmHostSupport or ReadinessRuleIds.VmPowerState));
                var summary = ReadinessSummary.From(own);
                if (summary.Failed > 0)
                {
                    vmsFailing++;
                }
                else if (summary.Warnings > 0)
                {
                    warnings++;
                }
            }
        }

        return new HostTileModel(
            host.Name,
            host.Status,
            host.Facts?.OsCaption.Replace("Microsoft ", "", StringComparison.Ordinal),
            host.Facts?.OsBuild,
            host.Facts?.ProcessorVendor ?? ProcessorVendor.Unknown,
            running.Count,
            host.Vms.Count,
            host.Vms.Count(v => v.ExposeVirtualizationExtensions),
            running.Count == 0 ? 0 : (int)Math.Round(running.Average(v => v.CpuUsagePercent)),
            hostFailures,
            vmsFailing,
            warnings,
            tags ?? []);
    }
}
