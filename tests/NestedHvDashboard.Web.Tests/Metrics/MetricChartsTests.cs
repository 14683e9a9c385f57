using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Metrics;

namespace NestedHvDashboard.Web.Tests.Metrics;

/// <summary>The VM and host page's chart card and the tile's sparkline, drawn from a history a test fills sample by sample.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class MetricChartsTests : IAsyncLifetime
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly BunitContext _context = new();
    private readonly InventoryStore _store = new(new InventoryFeedOptions());
    private readonly MetricHistory _history = new(new MetricHistoryOptions { Interval = Interval, Window = TimeSpan.FromHours(1) });
    private readonly StoppedClock _time = new() { Now = Start + TimeSpan.FromSeconds(2.5) };

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IInventoryFeed>(_store);
        _context.Services.AddSingleton<SharedInventory>();
        _context.Services.AddSingleton(_history);
        _context.Services.AddSingleton<TimeProvider>(_time);
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void Before_the_first_sample_the_card_says_when_the_first_point_comes()
    {
        var card = _context.Render<MetricsCard>(p => p.Add(c => c.Host, "hv-a").Add(c => c.VmId, A));

        // 2.5 s into an interval; samples come in its middle (7.5 s).
        Assert.Equal("Collecting… (first point in 5 s)", card.Find("[data-testid=metrics-empty]").TextContent.Trim());
        Assert.Empty(card.FindAll("svg"));
    }

    [Fact]
    public void A_vm_card_says_cpu_and_memory_now_and_their_peak_and_draws_them_as_they_arrive()
    {
        var card = _context.Render<MetricsCard>(p => p.Add(c => c.Host, "hv-a").Add(c => c.VmId, A));

        Sample(0, Connected("hv-a", Vm(cpu: 20, memoryGiB: 4)));
        Sample(1, Connected("hv-a", Vm(cpu: 60, memoryGiB: 6)));
        Sample(2, Connected("hv-a", Vm(cpu: 40, memoryGiB: 5)));

        card.WaitForAssertion(() =>
        {
            Assert.Equal("CPU 40 % now, peak 60 % in the last hour", card.Find("[data-testid=chart-cpu] [data-testid=chart-summary]").TextContent);
            Assert.Equal("Memory 5 GB now, peak 6 GB in the last hour", card.Find("[data-testid=chart-memory] [data-testid=chart-summary]").TextContent);
        });
        Assert.Equal("3", card.Find("[data-testid=chart-cpu]").GetAttribute("data-readings"));
        Assert.Equal("CPU 40 % now, peak 60 % in the last hour", card.Find("[data-testid=chart-cpu] svg").GetAttribute("aria-label"));
        // The scales: CPU 0-100 %, memory a round number above the peak (6 GB → 8 GB).
        Assert.Equal(["100 %", "50 %", "0 %"], card.FindAll("[data-testid=chart-cpu] .nhv-chart__y span").Select(s => s.TextContent));
        Assert.Equal(["8 GB", "4 GB", "0"], card.FindAll("[data-testid=chart-memory] .nhv-chart__y span").Select(s => s.TextContent));
        Assert.Equal(["−60 min", "−30 min", "now"], card.FindAll("[data-testid=chart-cpu] .nhv-chart__x span").Select(s => s.TextContent));
        Assert.Empty(card.FindAll("[data-testid=metrics-gaps]"));
    }

    [Fact]
    public void An_interval_while_the_host_was_unreachable_breaks_the_line_and_the_card_says_why()
    {
        var card = _context.Render<MetricsCard>(p => p.Add(c => c.Host, "hv-a").Add(c => c.VmId, A));

        Sample(0, Connected("hv-a", Vm(cpu: 20)));
        Sample(1, Connected("hv-a", Vm(cpu: 30)));
        Sample(2, Unreachable("hv-a", Vm(cpu: 30)));
        Sample(3, Connected("hv-a", Vm(cpu: 10)));
        Sample(4, Connected("hv-a", Vm(cpu: 10)));

        card.WaitForAssertion(() => Assert.Equal("4", card.Find("[data-testid=chart-cpu]").GetAttribute("data-readings")));
        Assert.Equal(2, card.Find("[data-testid=chart-cpu] .nhv-chart__line").GetAttribute("d")!.Count(c => c == 'M'));
        Assert.Contains("the host was not connected", card.Find("[data-testid=metrics-gaps]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_card_says_what_its_numbers_are_made_of()
    {
        _store.SetHostStatus("hv-a", new HostStatus(HostConnectionState.Connected, Start));
        _store.ApplyInventory("hv-a", new HostInventory(Facts("hv-a"), [Vm(cpu: 20, memoryGiB: 4)], Start));
        var card = _context.Render<MetricsCard>(p => p.Add(c => c.Host, "hv-a"));

        Sample(0, Connected("hv-a", Vm(cpu: 20, memoryGiB: 4), Vm(Guid.NewGuid(), cpu: 40, memoryGiB: 8)));

        card.WaitForAssertion(() => Assert.Equal("CPU 30 % now, peak 30 % in the last hour", card.Find("[data-testid=chart-cpu] [data-testid=chart-summary]").TextContent));
        Assert.Contains("average of its running VMs", card.Find("[data-testid=metrics-source]").TextContent, StringComparison.Ordinal);
        Assert.Contains("(the host has 64 GB)", card.Find("[data-testid=metrics-source]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Memory assigned to VMs", card.Find("[data-testid=chart-memory] .nhv-chart__title").TextContent);
        Assert.Equal("15 GB", card.Find("[data-testid=chart-memory] .nhv-chart__y span").TextContent);
    }

    [Fact]
    public void A_tile_sparkline_collects_first_then_draws_the_hosts_cpu_with_its_summary()
    {
        var spark = _context.Render<MetricSparkline>(p => p.Add(c => c.Host, "hv-a"));
        Assert.Equal("CPU history: collecting… (first point in 5 s)", spark.Find("[data-testid=tile-sparkline-empty]").TextContent.Trim());

        Sample(0, Connected("hv-a", Vm(cpu: 25)));
        Sample(1, Connected("hv-a", Vm(cpu: 15)));

        spark.WaitForAssertion(() => Assert.Equal("2", spark.Find("[data-testid=tile-sparkline]").GetAttribute("data-readings")));
        Assert.Equal("hv-a: VM CPU (average of running VMs), CPU 15 % now, peak 25 % in the last hour", spark.Find("svg").GetAttribute("aria-label"));
        // Two readings: the line spans the last five minutes, not a dot at the end of an empty hour.
        Assert.Equal("VM CPU, last 5 min", spark.Find(".nhv-spark__label").TextContent);
        Assert.Equal("M18 75 L19 85", spark.Find("path.nhv-chart__line").GetAttribute("d"));
    }

    // A sample in the middle of interval n, with the clock there.
    private void Sample(int n, params HostInventoryState[] hosts)
    {
        _time.Now = Start + (Interval * n) + (Interval / 2);
        _history.Record(hosts, _time.Now);
    }

    private static VmSnapshot Vm(int cpu = 0, double memoryGiB = 4) => Vm(A, cpu, memoryGiB);

    private static VmSnapshot Vm(Guid id, int cpu, double memoryGiB) => new(
        id, $"vm-{id.ToString()[..4]}", VmState.Running, TimeSpan.FromHours(1), cpu, (long)(memoryGiB * (1L << 30)), false, 4L << 30, new Version(10, 0), 2, 4,
        false, false, [], null, null);

    private static HostFacts Facts(string host) => new(
        host, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(10, 0)], new Version(10, 0), false, null);

    private static HostInventoryState Connected(string host, params VmSnapshot[] vms) =>
        new(host, new HostStatus(HostConnectionState.Connected, Start), Facts(host), vms, 1, Start);

    private static HostInventoryState Unreachable(string host, params VmSnapshot[] vms) =>
        new(host, new HostStatus(HostConnectionState.Unreachable, Start, "The WinRM client cannot complete the operation."), Facts(host), vms, 1, Start);

    private sealed class StoppedClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
