using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.Tests.Vms;

public sealed class VmGridAddressTests
{
    [Fact]
    public void A_count_links_to_the_grid_filtered_to_its_host_and_readiness_escaping_the_name()
    {
        Assert.Equal("/vms?host=HV-WS2019-01&readiness=Fail", VmGridAddress.For("HV-WS2019-01", ReadinessStatus.Fail));
        Assert.Equal("/vms?host=lab%20host%20%26%20co&readiness=Warn", VmGridAddress.For("lab host & co", ReadinessStatus.Warn));
        Assert.Equal("/vms?readiness=Pass", VmGridAddress.For(hosts: null, ReadinessStatus.Pass));
        Assert.Equal("/vms", VmGridAddress.For(hosts: [], readiness: null));
    }

    [Fact]
    public void The_address_is_read_back_as_the_grids_filters_and_unknown_values_are_ignored()
    {
        var query = VmGridAddress.Parse(["hv-a", " hv-b ", "HV-A", ""], "fail", "Running", "on", "web");

        Assert.Equal(["hv-a", "hv-b"], query.Hosts);
        Assert.Equal(ReadinessStatus.Fail, query.Readiness);
        Assert.Equal(VmState.Running, query.State);
        Assert.True(query.Nested);
        Assert.Equal("web", query.Search);

        var junk = VmGridAddress.Parse(null, "Broken", "42", "maybe", null);
        Assert.True(junk.ShowsEverything);
    }

    [Fact]
    public void The_host_filter_keeps_only_that_hosts_rows_case_insensitively()
    {
        var rows = new[]
        {
            new VmRow("hv-a", VmGridQueryTests.Facts, VmGridQueryTests.Vm("one", VmState.Off)),
            new VmRow("hv-b", VmGridQueryTests.Facts, VmGridQueryTests.Vm("two", VmState.Off)),
        };

        Assert.Equal(["two"], new VmGridQuery { Hosts = ["HV-B"] }.Apply(rows).Select(r => r.Vm.Name));
        Assert.Equal(2, new VmGridQuery().Apply(rows).Count);
    }

    [Fact]
    public void A_row_lists_every_failing_check_and_names_the_host_when_the_host_cannot_nest()
    {
        var old = new VmRow("hv-a", VmGridQueryTests.Facts, VmGridQueryTests.Vm("old", VmState.Off, config: "5.0"));
        var ready = new VmRow("hv-a", VmGridQueryTests.Facts, VmGridQueryTests.Vm("ok", VmState.Off));
        var noHyperV = new VmRow("hv-x", VmGridQueryTests.Facts with { HyperVPresent = false }, VmGridQueryTests.Vm("x", VmState.Off, config: "5.0"));

        Assert.Equal(["Config version 5.0 below 8.0 (Intel)"], old.BlockingReasons);
        Assert.Empty(ready.BlockingReasons);
        Assert.Equal(["Host cannot nest: Hyper-V not installed", "Config version 5.0 below 8.0 (Intel)"], noHyperV.BlockingReasons);
    }
}
