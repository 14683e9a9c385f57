using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>
/// Hyper-V's Msvm_VirtualSystemManagementService (root\virtualization\v2) and the answer of its GetSummaryInformation
/// method, Msvm_SummaryInformation, as Microsoft documents them
/// (learn.microsoft.com/windows/win32/hyperv_v2/getsummaryinformation-msvm-virtualsystemmanagementservice and
/// .../msvm-summaryinformation): with no SettingData, one instance per VM (never a checkpoint), holding only the
/// properties whose RequestedInformation code was asked for; every other property is null.
/// </summary>
internal static class SummaryInformation
{
    /// <summary>The service's class name.</summary>
    public const string ServiceClass = "Msvm_VirtualSystemManagementService";

    /// <summary>The answer's class name.</summary>
    public const string SummaryClass = "Msvm_SummaryInformation";

    /// <summary>The method's name.</summary>
    public const string Method = "GetSummaryInformation";

    /// <summary>The method's documented return value for "Invalid parameter".</summary>
    public const uint InvalidParameter = 32773;

    /// <summary>The requested-information codes the simulator answers, with the property each fills.</summary>
    private static readonly Dictionary<uint, string> Codes = new()
    {
        [0] = "Name",
        [1] = "ElementName",
        [2] = "CreationTime",
        [3] = "Notes",
        [4] = "NumberOfProcessors",
        [10] = "Version",
        [100] = "EnabledState",
        [101] = "ProcessorLoad",
        [103] = "MemoryUsage",
        [105] = "UpTime",
        [106] = "GuestOperatingSystem",
    };

    /// <summary>The singleton service instance as Get-CimInstance lists it.</summary>
    public static Dictionary<string, object?> ServiceInstance(SimulatedHost host) => new()
    {
        ["Name"] = "vmms",
        ["CreationClassName"] = ServiceClass,
        ["ElementName"] = "Virtual Machine Management Service",
        ["SystemCreationClassName"] = "Msvm_ComputerSystem",
        ["SystemName"] = host.Name,
        ["EnabledState"] = (ushort)2,
        ["HealthState"] = (ushort)5,
    };

    /// <summary>One Msvm_SummaryInformation per VM of <paramref name="host"/>, with the properties <paramref name="requested"/> names.</summary>
    public static List<Dictionary<string, object?>> For(SimulatedHost host, IReadOnlyCollection<uint> requested, DateTimeOffset now) =>
        host.Vms.Select(vm =>
        {
            var instance = Codes.Values.ToDictionary(name => name, _ => (object?)null);
            foreach (var code in requested)
            {
                if (Codes.TryGetValue(code, out var property))
                {
                    instance[property] = Value(vm, code, now);
                }
            }

            return instance;
        }).ToList();

    private static object? Value(SimulatedVm vm, uint code, DateTimeOffset now)
    {
        var state = vm.StateAt(now);
        return code switch
        {
            0 => vm.Id.ToString().ToUpperInvariant(),
            1 => vm.Name,
            2 => vm.CreationTime.UtcDateTime,
            3 => vm.Notes,
            4 => (ushort)vm.ProcessorCount,
            10 => vm.Version,
            100 => (ushort)state,
            101 => (ushort)VmMetrics.CpuUsage(vm, now),
            // MemoryUsage in megabytes, UpTime in milliseconds: what Get-VM reports as MemoryAssigned and Uptime.
            103 => (ulong)(VmMetrics.MemoryAssigned(vm, now) / (1024 * 1024)),
            105 => (ulong)VmMetrics.Uptime(vm, now).TotalMilliseconds,
            106 => state == VMState.Running ? vm.GuestOsName : null,
            _ => null,
        };
    }
}
