using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>
/// One VM in the grid: the host, the VM and its worst readiness check. Two rows are equal when they name the same
/// VM (host, case-insensitive, + id), so a selection survives the live feed replacing the snapshot.
/// </summary>
public sealed class VmRow : IEquatable<VmRow>
{
    public VmRow(string host, HostFacts? facts, VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        Host = host;
        Facts = facts;
        Vm = vm;
        Key = new VmKey(host, vm.Id);
        if (facts is not null)
        {
            var checks = ReadinessEvaluator.EvaluateVm(facts, vm);
            Worst = Components.Format.Worst(checks);
            BlockingReasons = ReasonsOf(facts, vm, checks);
        }
    }

    // The same VM with new readings (CPU, uptime): its readiness does not depend on them, so it is kept.
    private VmRow(VmRow previous, VmSnapshot vm)
    {
        Host = previous.Host;
        Facts = previous.Facts;
        Vm = vm;
        Key = previous.Key;
        Worst = previous.Worst;
        BlockingReasons = previous.BlockingReasons;
    }

    /// <summary>
    /// This row for <paramref name="vm"/>: the row itself when nothing changed, a row that keeps this one's readiness when
    /// only the readings changed (CPU usage, uptime: a metrics update), or null when anything else changed.
    /// </summary>
    public VmRow? Reuse(HostFacts? facts, VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (!ReferenceEquals(facts, Facts) || vm.Id != Vm.Id)
        {
            return null;
        }

        if (ReferenceEquals(vm, Vm))
        {
            return this;
        }

        return Vm with { CpuUsagePercent = vm.CpuUsagePercent, Uptime = vm.Uptime } == vm ? new VmRow(this, vm) : null;
    }

    public string Host { get; }

    /// <summary>The host's facts; null while the host has not answered (readiness is then Unknown).</summary>
    public HostFacts? Facts { get; }

    public VmSnapshot Vm { get; }

    /// <summary>The worst check, or null when the host's facts are not known.</summary>
    public ReadinessCheck? Worst { get; }

    /// <summary>
    /// Every failing check's short title ("Host cannot nest: AMD needs Windows Server 2022+", "VM configuration version is
    /// high enough"), then every check that cannot be answered ("Not known: …"); empty when nothing fails or is unknown.
    /// </summary>
    public IReadOnlyList<string> BlockingReasons { get; } = [];

    /// <summary>The worst check's status; Unknown without host facts.</summary>
    public ReadinessStatus Readiness => Worst?.Status ?? ReadinessStatus.Unknown;

    public VmKey Key { get; }

    /// <summary>Rows for every VM of these hosts, reusing a row from <paramref name="previous"/> whose snapshot and facts did not change.</summary>
    public static IReadOnlyList<VmRow> Of(IEnumerable<HostInventoryState> hosts, IReadOnlyDictionary<VmKey, VmRow>? previous = null)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var rows = new List<VmRow>();
        foreach (var host in hosts)
        {
            foreach (var vm in host.Vms)
            {
                rows.Add(previous is not null && previous.TryGetValue(new VmKey(host.Name, vm.Id), out var row) && ReferenceEquals(row.Vm, vm) && ReferenceEquals(row.Facts, host.Facts)
                    ? row
                    : new VmRow(host.Name, host.Facts, vm));
            }
        }

        return rows;
    }

    // Each failing check in a few words of what is wrong (a check's title says what it wants, not what failed).
    private static IReadOnlyList<string> ReasonsOf(HostFacts facts, VmSnapshot vm, IReadOnlyList<ReadinessCheck> checks)
    {
        var failing = checks.Where(c => c.Status is ReadinessStatus.Fail).Select(c => c.RuleId switch
        {
            ReadinessRuleIds.VmHostSupport => "Host cannot nest: " + HostVerdict.For(facts).Cause,
            ReadinessRuleIds.VmConfigVersion when NestedRequirement.For(facts.ProcessorVendor) is { } requirement =>
                $"Config version {vm.ConfigVersion} below {requirement.MinimumConfigVersion} ({(facts.ProcessorVendor is ProcessorVendor.Amd ? "AMD" : "Intel")})",
            _ => c.Title,
        });
        var unknown = checks.Where(c => c.Status is ReadinessStatus.Unknown).Select(c => c.RuleId switch
        {
            ReadinessRuleIds.VmHostSupport => "Not known: " + HostVerdict.For(facts).Cause,
            ReadinessRuleIds.VmL1Vcpus => "Not known: the guest OS, for the 225-vCPU limit",
            ReadinessRuleIds.VmGuestOs => "Not known: the guest's Windows release",
            _ => "Not known: " + c.Title,
        });
        return [.. failing, .. unknown];
    }

    public bool Equals(VmRow? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as VmRow);

    public override int GetHashCode() => Key.GetHashCode();
}

/// <summary>A VM's identity across hosts: host name (case-insensitive) and Hyper-V's VM id.</summary>
public readonly record struct VmKey
{
    public VmKey(string host, Guid id)
    {
        ArgumentNullException.ThrowIfNull(host);
        Host = host.ToUpperInvariant();
        Id = id;
    }

    /// <summary>The host name, upper-cased.</summary>
    public string Host { get; }

    public Guid Id { get; }
}
