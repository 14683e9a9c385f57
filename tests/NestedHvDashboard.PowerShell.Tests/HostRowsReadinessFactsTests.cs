using System.Management.Automation;

namespace NestedHvDashboard.PowerShell.Tests;

/// <summary>The host and VM facts the newer readiness rules read: virtualization extensions, cluster membership, clustered VMs.</summary>
public sealed class HostRowsReadinessFactsTests
{
    [Theory]
    [InlineData(true, "True", true)]
    [InlineData(false, "False", false)]
    [InlineData("", "", null)]
    public void Virtualization_extensions_are_read_and_left_unknown_when_not_reported(object reported, string slat, bool? expected)
    {
        var (facts, _) = HostRows.Read([HostRow(("VirtualizationFirmwareEnabled", reported), ("SecondLevelAddressTranslation", slat))]);

        Assert.Equal(expected, facts!.VirtualizationFirmwareEnabled);
        Assert.Equal(expected, facts.SecondLevelAddressTranslation);
    }

    [Fact]
    public void A_row_without_the_newer_properties_reads_as_unknown_extensions_and_no_cluster()
    {
        var (facts, _) = HostRows.Read([HostRow()]);

        Assert.Null(facts!.VirtualizationFirmwareEnabled);
        Assert.Null(facts.SecondLevelAddressTranslation);
        Assert.False(facts.InFailoverCluster);
        Assert.Null(facts.ClusterName);
    }

    [Fact]
    public void Cluster_membership_and_clustered_vms_are_read()
    {
        var id = Guid.NewGuid();
        var (facts, vms) = HostRows.Read(
        [
            HostRow(("InFailoverCluster", true), ("ClusterName", "HV-CLUSTER-01")),
            Row(("Kind", "Vm"), ("Id", id.ToString()), ("Name", "sql"), ("State", "Running"), ("Version", "9.0"), ("Generation", 2), ("IsClustered", true)),
        ]);

        Assert.True(facts!.InFailoverCluster);
        Assert.Equal("HV-CLUSTER-01", facts.ClusterName);
        Assert.True(Assert.Single(vms).IsClustered);
    }

    private static PSObject HostRow(params (string Name, object Value)[] extra) => Row(
        [
            ("Kind", "Host"), ("Name", "HV01"), ("OsCaption", "Microsoft Windows Server 2022 Datacenter"), ("OsVersion", "10.0.20348"), ("OsBuild", 20348),
            ("ProductType", 3), ("ProcessorManufacturer", "GenuineIntel"), ("ProcessorModel", "Intel(R) Xeon(R)"), ("LogicalProcessors", 64),
            ("MemoryBytes", 256L * 1024 * 1024 * 1024), ("HypervisorPresent", true), ("HyperVModule", true), ("SupportedVersions", "8.0;9.0;10.0"),
            ("DefaultVersion", "10.0"), ("IsAzureVm", false), ("AzureSecurityType", ""),
            .. extra,
        ]);

    private static PSObject Row(params (string Name, object Value)[] properties)
    {
        var row = new PSObject();
        foreach (var (name, value) in properties)
        {
            row.Properties.Add(new PSNoteProperty(name, value));
        }

        return row;
    }
}
