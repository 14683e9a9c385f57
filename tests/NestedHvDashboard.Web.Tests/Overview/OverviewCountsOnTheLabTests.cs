using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Overview;
using NestedHvDashboard.Web.VirtualMachines;
using Xunit.Abstractions;

namespace NestedHvDashboard.Web.Tests.Overview;

/// <summary>On the simulated lab, every count the overview shows is the number of rows the grid shows for the same filter.</summary>
public sealed class OverviewCountsOnTheLabTests(ITestOutputHelper output)
{
    private static async Task<IReadOnlyList<HostInventoryState>> ReadLabAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [HostDirectory.SimulatorEnabledSetting] = "true" }).Build();
        await using var directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance);
        var hosts = new List<HostInventoryState>();
        foreach (var settings in directory.Settings)
        {
            var inventory = await directory[settings.Name].GetInventoryAsync();
            hosts.Add(new HostInventoryState(settings.Name, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow), inventory.Facts, inventory.Vms, 1, inventory.ReadAt));
        }

        return hosts;
    }

    [Fact]
    public async Task Each_tile_count_and_each_total_equals_the_grids_row_count_for_that_filter()
    {
        var hosts = await ReadLabAsync();
        var rows = VmRow.Of(hosts);
        var tiles = hosts.Select(h => HostTileModel.From(h)).ToList();

        foreach (var status in Enum.GetValues<ReadinessStatus>())
        {
            foreach (var tile in tiles)
            {
                var grid = new VmGridQuery { Hosts = [tile.Name], Readiness = status }.Apply(rows);
                Assert.Equal(grid.Count, tile.VmsWith(status));
            }

            Assert.Equal(new VmGridQuery { Readiness = status }.Apply(rows).Count, tiles.Sum(t => t.VmsWith(status)));
        }

        Assert.Equal(rows.Count, tiles.Sum(t => t.VmsTotal));
        Assert.True(tiles.Sum(t => t.VmsFailing) > 0, "the lab has failing VMs");
    }

    [Fact]
    public async Task The_lab_has_a_host_that_cannot_nest_and_its_vms_name_the_reason_in_the_blocking_column()
    {
        var hosts = await ReadLabAsync();
        var rows = VmRow.Of(hosts);

        var azure = HostTileModel.From(hosts.Single(h => h.Facts!.IsAzureVm));
        Assert.Equal("Cannot: Trusted Launch Azure VM", azure.Verdict.Text);
        Assert.All(rows.Where(r => r.Host == azure.Name), r => Assert.Contains("Host cannot nest: Trusted Launch Azure VM", r.BlockingReasons));
        Assert.All(rows.Where(r => r.Readiness is ReadinessStatus.Fail), r => Assert.NotEmpty(r.BlockingReasons));

        // What the readiness column says now, for the report: which VMs warn, and why.
        var warned = rows.Where(r => r.Readiness is ReadinessStatus.Warn).ToList();
        output.WriteLine($"{warned.Count} of {rows.Count} VMs at Warn:");
        foreach (var row in warned)
        {
            var why = ReadinessEvaluator.EvaluateVm(row.Facts!, row.Vm).Where(c => c.Status is ReadinessStatus.Warn).Select(c => c.RuleId);
            output.WriteLine($"  {row.Host}/{row.Vm.Name} ({row.Vm.State}, nested {row.Vm.ExposeVirtualizationExtensions}): {string.Join(", ", why)}");
        }

        foreach (var status in Enum.GetValues<ReadinessStatus>())
        {
            output.WriteLine($"{status}: {rows.Count(r => r.Readiness == status)}");
        }
    }
}
