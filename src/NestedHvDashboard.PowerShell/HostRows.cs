using System.Globalization;
using System.Management.Automation;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// Maps the rows the scripts emit (Kind = Host, Vm or Adapter; see Scripts/Common.ps1) to Core
/// records. The same code for in-process objects and for objects deserialized from a remote host.
/// </summary>
internal static class HostRows
{
    public static (HostFacts? Facts, IReadOnlyList<VmSnapshot> Vms) Read(IEnumerable<PSObject> rows)
    {
        HostFacts? facts = null;
        var vms = new List<PSObject>();
        var adapters = new Dictionary<Guid, List<VmNetworkAdapterInfo>>();
        foreach (var row in rows)
        {
            switch (Text(row, "Kind"))
            {
                case "Host":
                    facts = ToHostFacts(row);
                    break;
                case "Vm":
                    vms.Add(row);
                    break;
                case "Adapter":
                    var vmId = Guid.Parse(Text(row, "VMId"));
                    if (!adapters.TryGetValue(vmId, out var list))
                    {
                        adapters[vmId] = list = [];
                    }

                    list.Add(new VmNetworkAdapterInfo(
                        Text(row, "Name"),
                        OptionalText(row, "SwitchName"),
                        Text(row, "MacAddress"),
                        Boolean(row, "MacAddressSpoofing")));
                    break;
                default:
                    // Anything else a host profile or module writes to the output is not ours.
                    break;
            }
        }

        var snapshots = vms.ConvertAll(row =>
        {
            var id = Guid.Parse(Text(row, "Id"));
            return ToVmSnapshot(row, adapters.TryGetValue(id, out var list) ? list : []);
        });
        return (facts, snapshots);
    }

    /// <summary>The row's Kind (Host, Vm, Adapter; from the watch also VmRemoved and Tick).</summary>
    public static string KindOf(PSObject row) => Text(row, "Kind");

    /// <summary>The VM a Vm or VmRemoved row names.</summary>
    public static Guid IdOf(PSObject row) => Guid.Parse(Text(row, "Id"));

    public static ProcessorVendor VendorOf(string manufacturer) => manufacturer.Trim() switch
    {
        "GenuineIntel" => ProcessorVendor.Intel,
        "AuthenticAMD" => ProcessorVendor.Amd,
        "" => ProcessorVendor.Unknown,
        _ => ProcessorVendor.Other,
    };

    private static HostFacts ToHostFacts(PSObject row)
    {
        var manufacturer = Text(row, "ProcessorManufacturer");
        var productType = Int32(row, "ProductType");
        var supported = Text(row, "SupportedVersions")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => Version.TryParse(text, out var version) ? version : null)
            .OfType<Version>()
            .Order()
            .ToList();
        return new HostFacts(
            Text(row, "Name"),
            Text(row, "OsCaption"),
            Text(row, "OsVersion"),
            Int32(row, "OsBuild"),
            IsServer: productType is 2 or 3,
            VendorOf(manufacturer),
            manufacturer,
            Text(row, "ProcessorModel"),
            Int32(row, "LogicalProcessors"),
            Int64(row, "MemoryBytes"),
            HyperVPresent: Boolean(row, "HypervisorPresent") && Boolean(row, "HyperVModule"),
            supported,
            Version.TryParse(Text(row, "DefaultVersion"), out var defaultVersion) ? defaultVersion : null,
            Boolean(row, "IsAzureVm"),
            OptionalText(row, "AzureSecurityType"));
    }

    private static VmSnapshot ToVmSnapshot(PSObject row, IReadOnlyList<VmNetworkAdapterInfo> adapters) => new(
        Guid.Parse(Text(row, "Id")),
        Text(row, "Name"),
        Enum.TryParse<VmState>(Text(row, "State"), ignoreCase: true, out var state) && Enum.IsDefined(state) ? state : VmState.Other,
        TimeSpan.FromTicks(Int64(row, "UptimeTicks")),
        Int32(row, "CpuUsage"),
        Int64(row, "MemoryAssigned"),
        Boolean(row, "DynamicMemoryEnabled"),
        Int64(row, "MemoryStartup"),
        Version.TryParse(Text(row, "Version"), out var version) ? version : new Version(0, 0),
        Int32(row, "Generation"),
        Int32(row, "ProcessorCount"),
        Boolean(row, "ExposeVirtualizationExtensions"),
        Boolean(row, "HasCheckpoints"),
        adapters,
        OptionalText(row, "GuestOsName"),
        OptionalText(row, "GuestOsVersion"));

    internal static object? Value(PSObject row, string name)
    {
        var value = row.Properties[name]?.Value;
        return value is PSObject wrapped ? wrapped.BaseObject : value;
    }

    internal static string Text(PSObject row, string name) =>
        Convert.ToString(Value(row, name), CultureInfo.InvariantCulture) ?? string.Empty;

    internal static string? OptionalText(PSObject row, string name) =>
        Text(row, name) is { Length: > 0 } text ? text : null;

    internal static int Int32(PSObject row, string name) =>
        Value(row, name) is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;

    internal static long Int64(PSObject row, string name) =>
        Value(row, name) is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;

    internal static bool Boolean(PSObject row, string name) =>
        Value(row, name) is { } value && Convert.ToBoolean(value, CultureInfo.InvariantCulture);
}
