using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// Maps the rows the scripts emit (Kind = Host, Vm or Adapter; see Scripts/Common.ps1) to Core
/// records. The same code for in-process objects and for objects deserialized from a remote host.
/// </summary>
internal static partial class HostRows
{
    public static (HostFacts? Facts, IReadOnlyList<VmSnapshot> Vms) Read(IEnumerable<PSObject> rows)
    {
        HostFacts? facts = null;
        var vms = new List<PSObjectRow>();
        var packedVms = new List<JsonRow>();
        var adapters = new Dictionary<Guid, List<VmNetworkAdapterInfo>>();
        List<JsonDocument>? documents = null;
        try
        {
            foreach (var row in rows)
            {
                var kind = Text(row, "Kind");
                if (kind != "Rows")
                {
                    Take(kind, new PSObjectRow(row), ref facts, vms, adapters);
                    continue;
                }

                var document = ParsePacked(row);
                (documents ??= []).Add(document);
                foreach (var packed in PackedRows(document.RootElement))
                {
                    Take(KindOf(packed), new JsonRow(packed), ref facts, packedVms, adapters);
                }
            }

            var snapshots = new List<VmSnapshot>(vms.Count + packedVms.Count);
            snapshots.AddRange(vms.Select(row => ToVmSnapshot(row, adapters)));
            snapshots.AddRange(packedVms.Select(row => ToVmSnapshot(row, adapters)));
            return (facts, snapshots);
        }
        finally
        {
            documents?.ForEach(d => d.Dispose());
        }
    }

    /// <summary>
    /// One row, in either form: host facts are taken, a VM kept until every adapter is in (they may come after it), an
    /// adapter added to its VM's list.
    /// </summary>
    private static void Take<TRow>(string kind, TRow row, ref HostFacts? facts, List<TRow> vms, Dictionary<Guid, List<VmNetworkAdapterInfo>> adapters)
        where TRow : IRow
    {
        switch (kind)
        {
            case "Host":
                facts = ToHostFacts(row);
                break;
            case "Vm":
                vms.Add(row);
                break;
            case "Adapter":
                AddAdapter(adapters, row);
                break;
            default:
                // Anything else a host profile or module writes to the output is not ours.
                break;
        }
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

    private static void AddAdapter<TRow>(Dictionary<Guid, List<VmNetworkAdapterInfo>> adapters, TRow row)
        where TRow : IRow
    {
        var vmId = row.Id("VMId");
        if (!adapters.TryGetValue(vmId, out var list))
        {
            adapters[vmId] = list = [];
        }

        list.Add(new VmNetworkAdapterInfo(
            row.Text("Name"),
            NonEmpty(row.Text("SwitchName")),
            row.Text("MacAddress"),
            row.Boolean("MacAddressSpoofing")));
    }

    private static HostFacts ToHostFacts<TRow>(TRow row)
        where TRow : IRow
    {
        var manufacturer = row.Text("ProcessorManufacturer");
        var productType = row.Int32("ProductType");
        var supported = row.Text("SupportedVersions")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => Version.TryParse(text, out var version) ? version : null)
            .OfType<Version>()
            .Order()
            .ToList();
        return new HostFacts(
            row.Text("Name"),
            row.Text("OsCaption"),
            row.Text("OsVersion"),
            row.Int32("OsBuild"),
            IsServer: productType is 2 or 3,
            VendorOf(manufacturer),
            manufacturer,
            row.Text("ProcessorModel"),
            row.Int32("LogicalProcessors"),
            row.Int64("MemoryBytes"),
            HyperVPresent: row.Boolean("HypervisorPresent") && row.Boolean("HyperVModule"),
            supported,
            Version.TryParse(row.Text("DefaultVersion"), out var defaultVersion) ? defaultVersion : null,
            row.Boolean("IsAzureVm"),
            NonEmpty(row.Text("AzureSecurityType")))
        {
            VirtualizationFirmwareEnabled = OptionalBoolean(row.Text("VirtualizationFirmwareEnabled")),
            SecondLevelAddressTranslation = OptionalBoolean(row.Text("SecondLevelAddressTranslation")),
            InFailoverCluster = row.Boolean("InFailoverCluster"),
            ClusterName = NonEmpty(row.Text("ClusterName")),
        };
    }

    private static VmSnapshot ToVmSnapshot<TRow>(TRow row, Dictionary<Guid, List<VmNetworkAdapterInfo>> adapters)
        where TRow : IRow
    {
        var id = row.Id("Id");
        return new(
            id,
            row.Text("Name"),
            Enum.TryParse<VmState>(row.Text("State"), ignoreCase: true, out var state) && Enum.IsDefined(state) ? state : VmState.Other,
            TimeSpan.FromTicks(row.Int64("UptimeTicks")),
            row.Int32("CpuUsage"),
            row.Int64("MemoryAssigned"),
            row.Boolean("DynamicMemoryEnabled"),
            row.Int64("MemoryStartup"),
            Version.TryParse(row.Text("Version"), out var version) ? version : new Version(0, 0),
            row.Int32("Generation"),
            row.Int32("ProcessorCount"),
            row.Boolean("ExposeVirtualizationExtensions"),
            row.Boolean("HasCheckpoints"),
            adapters.TryGetValue(id, out var list) ? list : [],
            NonEmpty(row.Text("GuestOsName")),
            NonEmpty(row.Text("GuestOsVersion")))
        {
            IsClustered = row.Boolean("IsClustered"),
        };
    }

    internal static object? Value(PSObject row, string name)
    {
        var value = row.Properties[name]?.Value;
        return value is PSObject wrapped ? wrapped.BaseObject : value;
    }

    internal static string Text(PSObject row, string name) =>
        Convert.ToString(Value(row, name), CultureInfo.InvariantCulture) ?? string.Empty;

    internal static string? OptionalText(PSObject row, string name) => NonEmpty(Text(row, name));

    private static string? NonEmpty(string text) => text.Length > 0 ? text : null;

    // "True" / "False" as the host wrote it; empty (not reported) is null.
    private static bool? OptionalBoolean(string text) => bool.TryParse(text, out var value) ? value : null;

    internal static int Int32(PSObject row, string name) =>
        Value(row, name) is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;

    internal static long Int64(PSObject row, string name) =>
        Value(row, name) is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;

    internal static bool Boolean(PSObject row, string name) =>
        Value(row, name) is { } value && Convert.ToBoolean(value, CultureInfo.InvariantCulture);
}
