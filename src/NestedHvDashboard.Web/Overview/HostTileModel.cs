using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.VirtualMachines;

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
/// <param name="VmsFailing">VMs whose readiness (the worst check, as the VM grid shows it) is Fail.</param>
/// <param name="Warnings">VMs whose readiness is Warn (the grid's Warn filter).</param>
/// <param name="Tags">The host's tags from its settings.</param>
/// <param name="VmsReady">VMs whose readiness is Pass.</param>
/// <param name="VmsUnknown">VMs whose readiness is Unknown (a check cannot be answered, or the host has not answered).</param>
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
    IReadOnlyList<string> Tags,
    int VmsReady = 0,
    int VmsUnknown = 0)
{
    /// <summary>Can this host run nested virtualization at all, in words. Default: unknown until the first read.</summary>
    public HostVerdict Verdict { get; init; } = HostVerdict.NotYetRead;

    /// <summary>How many VMs have this readiness: the count the VM grid's readiness filter shows for this host.</summary>
    public int VmsWith(ReadinessStatus status) => status switch
    {
        ReadinessStatus.Fail => VmsFailing,
        ReadinessStatus.Warn => Warnings,
        ReadinessStatus.Pass => VmsReady,
        _ => VmsUnknown,
    };

    /// <summary>Readiness problems, for sorting: failing host checks plus VMs whose readiness is Fail.</summary>
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
        var hostFailures = host.Facts is { } facts ? ReadinessSummary.From(ReadinessEvaluator.EvaluateHost(facts)).Failed : 0;

        // Per VM, the grid's own rows (their worst check, Unknown before the host's facts), so a count here is the number
        // of rows the grid's readiness filter shows for this host. The rows are built once per state of the host for every
        // circuit and keep their readiness through a metrics update: every open overview and wall re-evaluated each VM of
        // each host at every metrics batch (a third of the UI's CPU with 200 hosts × 50 VMs).
        int failing = 0, warning = 0, ready = 0, unknown = 0;
        foreach (var row in VmRowSet.RowsOf(host))
        {
            switch (row.Readiness)
            {
                case ReadinessStatus.Fail: failing++; break;
                case ReadinessStatus.Warn: warning++; break;
                case ReadinessStatus.Pass: ready++; break;
                default: unknown++; break;
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
            failing,
            warning,
            tags ?? [],
            ready,
            unknown)
        {
            Verdict = HostVerdict.For(host.Facts, reachable: host.Status.State is not (HostConnectionState.Unreachable or HostConnectionState.AuthenticationFailed)),
        };
    }
}
