using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Api;

/// <summary>A host as the API shows it.</summary>
/// <param name="Name">The host's name.</param>
/// <param name="Status">"connecting", "connected", "unreachable" or "authenticationFailed".</param>
/// <param name="Since">Since when the status holds.</param>
/// <param name="Error">The host's last error while it is not connected.</param>
/// <param name="Os">The OS caption, once the host answered.</param>
/// <param name="OsBuild">The OS build number.</param>
/// <param name="ProcessorVendor">"intel", "amd", "other" or "unknown".</param>
/// <param name="VmCount">VMs in total.</param>
/// <param name="RunningVmCount">VMs running.</param>
/// <param name="NestedVmCount">VMs with nested virtualization on.</param>
/// <param name="ReadAt">When the host last answered.</param>
/// <param name="Verdict">Can this host run nested virtualization: "canNest", "cannot" or "unknown".</param>
/// <param name="VerdictText">The verdict in words, e.g. "Cannot: AMD needs Windows Server 2022+".</param>
public sealed record ApiHost(
    string Name, string Status, DateTimeOffset Since, string? Error, string? Os, int? OsBuild, string ProcessorVendor,
    int VmCount, int RunningVmCount, int NestedVmCount, DateTimeOffset? ReadAt, string Verdict, string VerdictText)
{
    public static ApiHost Of(HostInventoryState host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var verdict = HostVerdict.For(host.Facts, reachable: host.Status.State is not (HostConnectionState.Unreachable or HostConnectionState.AuthenticationFailed));
        return new(
            host.Name, ApiJson.Name(host.Status.State.ToString()), host.Status.Since, host.Status.LastError, host.Facts?.OsCaption, host.Facts?.OsBuild,
            ApiJson.Name((host.Facts?.ProcessorVendor ?? Core.Hosts.ProcessorVendor.Unknown).ToString()),
            host.Vms.Count, host.Vms.Count(v => v.State is VmState.Running), host.Vms.Count(v => v.ExposeVirtualizationExtensions), host.ReadAt,
            ApiJson.Name(verdict.Kind.ToString()), verdict.Text);
    }
}

/// <summary>A VM's network adapter.</summary>
public sealed record ApiAdapter(string Name, string? SwitchName, string MacAddress, bool MacAddressSpoofing);

/// <summary>A VM as the API shows it. <see cref="Name"/> is data, verbatim, whatever it holds.</summary>
public sealed record ApiVm(
    Guid Id, string Name, string Host, string State, double UptimeSeconds, int CpuUsagePercent, long MemoryAssignedBytes,
    bool DynamicMemoryEnabled, long MemoryStartupBytes, string ConfigVersion, int Generation, int ProcessorCount,
    bool NestedVirtualization, bool HasCheckpoints, IReadOnlyList<ApiAdapter> NetworkAdapters, string? GuestOsName, string? GuestOsVersion,
    ApiPendingChange? PendingChange)
{
    public static ApiVm Of(string host, VmSnapshot vm, ApiPendingChange? pending)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return new(
            vm.Id, vm.Name, host, vm.State.ToString(), vm.Uptime.TotalSeconds, vm.CpuUsagePercent, vm.MemoryAssignedBytes, vm.DynamicMemoryEnabled,
            vm.MemoryStartupBytes, vm.ConfigVersion.ToString(), vm.Generation, vm.ProcessorCount, vm.ExposeVirtualizationExtensions, vm.HasCheckpoints,
            [.. vm.NetworkAdapters.Select(a => new ApiAdapter(a.Name, a.SwitchName, a.MacAddress, a.MacAddressSpoofing))], vm.GuestOsName, vm.GuestOsVersion, pending);
    }
}

/// <summary>A nested change waiting for the VM's next shutdown.</summary>
public sealed record ApiPendingChange(bool Enable, bool MacAddressSpoofing, bool DisableDynamicMemory, DateTimeOffset RequestedAt);

/// <summary>One readiness rule's answer.</summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="Title">The rule in words.</param>
/// <param name="Status">"pass", "warn", "fail" or "unknown".</param>
/// <param name="Reason">Why, in one line.</param>
/// <param name="Fix">What to do, when it does not pass.</param>
public sealed record ApiCheck(string RuleId, string Title, string Status, string Reason, string? Fix)
{
    public static ApiCheck Of(ReadinessCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return new(check.RuleId, check.Title, ApiJson.Name(check.Status.ToString()), check.Reason, check.Fix);
    }
}

/// <summary>A VM's readiness for nested virtualization: the host's checks and the VM's.</summary>
/// <param name="Host">The host.</param>
/// <param name="VmId">The VM's id.</param>
/// <param name="VmName">The VM's name.</param>
/// <param name="CanEnableNested">False when a blocking check fails.</param>
/// <param name="HostChecks">The host's checks.</param>
/// <param name="VmChecks">The VM's checks (host and VM rules, as the VM page shows them).</param>
public sealed record ApiReadiness(string Host, Guid VmId, string VmName, bool CanEnableNested, IReadOnlyList<ApiCheck> HostChecks, IReadOnlyList<ApiCheck> VmChecks);

/// <summary>
/// Turn nested virtualization on or off.
/// </summary>
/// <param name="Enabled">Required: true to turn it on, false to turn it off.</param>
/// <param name="WhenRunning">What to do when the VM runs: "refuse" (default: 409), "shutDown", "turnOff" (hard) or "nextShutdown".</param>
/// <param name="MacAddressSpoofing">When enabling: also turn MAC address spoofing on for every adapter.</param>
/// <param name="DisableDynamicMemory">When enabling: also turn dynamic memory off.</param>
public sealed record NestedChangeRequest(bool? Enabled, string? WhenRunning, bool? MacAddressSpoofing, bool? DisableDynamicMemory);

/// <summary>Turn MAC address spoofing on or off.</summary>
/// <param name="Enabled">Required: true for On, false for Off.</param>
public sealed record MacSpoofingRequest(bool? Enabled);
