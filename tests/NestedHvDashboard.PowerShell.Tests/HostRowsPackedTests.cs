using System.Management.Automation;
using System.Text.Json;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell.Tests;

/// <summary>
/// Inventory.ps1 packs its rows into one JSON string (a Kind = 'Rows' object): they must map to exactly the records the
/// same rows give when they arrive one object each.
/// </summary>
public sealed class HostRowsPackedTests
{
    private const string Hostile = "x'; Remove-Item C:\\ -Recurse; '$(Get-Date) \"quoted\" <b>&amp;</b> \\ \u001f Ünïcødé 名前 🙂";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rows_packed_by_ConvertTo_Json_map_to_the_same_records_as_rows_sent_one_by_one(bool gzip)
    {
        var rows = SampleRows();

        var expected = HostRows.Read(rows);
        var packed = HostRows.Read([gzip ? GZipped(ConvertToJson(rows)) : Packed(ConvertToJson(rows))]);

        Assert.Equal(2, expected.Vms.Count);
        Assert.Equal(Describe(expected), Describe(packed));
    }

    [Fact]
    public void Windows_PowerShell_51s_wrapped_array_is_read_as_the_array()
    {
        var rows = SampleRows();
        var json = ConvertToJson(rows);

        var packed = HostRows.Read([Packed($$"""{"value":{{json}},"Count":{{rows.Count}}}""")]);

        Assert.Equal(Describe(HostRows.Read(rows)), Describe(packed));
    }

    [Fact]
    public void Packed_rows_that_are_not_json_are_named_as_such()
    {
        var error = Assert.Throws<InvalidDataException>(() => HostRows.Read([Packed("[{\"Kind\":\"Vm\",")]));
        var notBase64 = Assert.Throws<InvalidDataException>(() => HostRows.Read([Row(("Kind", "Rows"), ("GZip", "not base64!"))]));

        Assert.Contains("packed rows (Kind = 'Rows') are not valid JSON", notBase64.Message, StringComparison.Ordinal);
        Assert.Contains("packed rows (Kind = 'Rows') are not valid JSON", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A host row, a VM with two adapters (one on no switch) and a hostile, non-ASCII name, and one without adapters or guest facts.</summary>
    private static List<PSObject> SampleRows()
    {
        var first = Guid.NewGuid().ToString();
        var second = Guid.NewGuid().ToString();
        return
        [
            Row(("Kind", "Host"), ("Name", Hostile), ("OsCaption", "Microsoft Windows Server 2022 Datacenter"), ("OsVersion", "10.0.20348"), ("OsBuild", 20348),
                ("ProductType", 3), ("ProcessorManufacturer", "GenuineIntel"), ("ProcessorModel", "Intel(R) Xeon(R)"), ("LogicalProcessors", 64),
                ("MemoryBytes", 3L * 1024 * 1024 * 1024 * 1024), ("HypervisorPresent", true), ("HyperVModule", true), ("SupportedVersions", "8.0;9.0;10.0"),
                ("DefaultVersion", "10.0"), ("IsAzureVm", false), ("AzureSecurityType", "")),
            Row(("Kind", "Adapter"), ("VMId", first), ("Name", "Network Adapter"), ("SwitchName", "External"), ("MacAddress", "00155D000001"), ("MacAddressSpoofing", true)),
            Row(("Kind", "Adapter"), ("VMId", first), ("Name", Hostile), ("SwitchName", ""), ("MacAddress", "00155D000002"), ("MacAddressSpoofing", false)),
            Row(("Kind", "Vm"), ("Id", first), ("Name", Hostile), ("State", "Running"), ("UptimeTicks", 36_000_000_000L * 24 * 400), ("CpuUsage", 7),
                ("MemoryAssigned", 17_179_869_184L), ("DynamicMemoryEnabled", true), ("MemoryStartup", 4_294_967_296L), ("Version", "10.0"), ("Generation", 2),
                ("ProcessorCount", 8), ("ExposeVirtualizationExtensions", true), ("HasCheckpoints", true), ("GuestOsName", "Windows Server 2022 Datacenter"),
                ("GuestOsVersion", "10.0.20348")),
            Row(("Kind", "Vm"), ("Id", second), ("Name", "off01"), ("State", "Off"), ("UptimeTicks", 0L), ("CpuUsage", 0), ("MemoryAssigned", 0L),
                ("DynamicMemoryEnabled", false), ("MemoryStartup", 1_073_741_824L), ("Version", "9.0"), ("Generation", 1), ("ProcessorCount", 1),
                ("ExposeVirtualizationExtensions", false), ("HasCheckpoints", false), ("GuestOsName", ""), ("GuestOsVersion", "")),
        ];
    }

    private static PSObject Row(params (string Name, object Value)[] properties)
    {
        var row = new PSObject();
        foreach (var (name, value) in properties)
        {
            row.Properties.Add(new PSNoteProperty(name, value));
        }

        return row;
    }

    private static PSObject Packed(string json) => Row(("Kind", "Rows"), ("Json", json));

    /// <summary>As Inventory.ps1 sends them: UTF-8, gzip, base64.</summary>
    private static PSObject GZipped(string json)
    {
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionMode.Compress))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(json));
        }

        return Row(("Kind", "Rows"), ("GZip", Convert.ToBase64String(packed.ToArray())));
    }

    /// <summary>The rows as the host packs them: PowerShell's own ConvertTo-Json, as in Inventory.ps1.</summary>
    private static string ConvertToJson(List<PSObject> rows)
    {
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.AddCommand("ConvertTo-Json").AddParameter("InputObject", rows.ToArray()).AddParameter("Depth", 2).AddParameter("Compress");
        return (string)shell.Invoke().Single().BaseObject;
    }

    /// <summary>Every value of the records, lists included (records compare lists by reference).</summary>
    private static string Describe((HostFacts? Facts, IReadOnlyList<VmSnapshot> Vms) result) =>
        JsonSerializer.Serialize(new { result.Facts, result.Vms });
}
