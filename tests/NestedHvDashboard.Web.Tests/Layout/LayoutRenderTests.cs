using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Components.Layout;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Layout;

/// <summary>
/// The menu and the connection chip sit on every page of every circuit. They render when what they show changes, not on
/// every feed batch: at 200 hosts a batch comes about ten times a second, and the menu holds three links per host.
/// </summary>
public sealed class LayoutRenderTests() : PageContext(metricsInterval: TimeSpan.FromMilliseconds(50))
{
    private static readonly Guid VmId = Guid.NewGuid();

    [Fact]
    public async Task Readings_that_change_nothing_the_menu_or_chip_shows_do_not_render_them()
    {
        Connect("hv-a", Vm(cpu: 10));
        var nav = Context.Render<CountedNavMenu>();
        var chip = Context.Render<CountedChip>();
        var probe = Context.Render<FeedProbe>();
        await SeenAsync(probe, 10);
        var (navRenders, chipRenders) = (nav.Instance.Renders, chip.Instance.Renders);

        for (var cpu = 11; cpu <= 15; cpu++)
        {
            Store.ApplyInventory("hv-a", Inventory("hv-a", Vm(cpu)));
            await SeenAsync(probe, cpu);
        }

        // The probe listens after the menu and the chip, so their turn for each state has come and gone.
        Assert.Equal(navRenders, nav.Instance.Renders);
        Assert.Equal(chipRenders, chip.Instance.Renders);
        Assert.Equal("1/1 hosts connected", chip.Find("[data-testid=connection-text]").TextContent);
    }

    [Fact]
    public async Task The_chip_renders_when_a_host_connects_and_the_menu_when_the_page_changes()
    {
        var nav = Context.Render<CountedNavMenu>();
        var chip = Context.Render<CountedChip>();
        Assert.Equal("0/0 hosts connected", chip.Find("[data-testid=connection-text]").TextContent);

        Connect("hv-b", Vm(cpu: 1));
        chip.WaitForAssertion(() => Assert.Equal("1/1 hosts connected", chip.Find("[data-testid=connection-text]").TextContent), TimeSpan.FromSeconds(10));

        var navRenders = nav.Instance.Renders;
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/hosts/hv-b/vms");
        nav.WaitForAssertion(() => Assert.True(nav.Instance.Renders > navRenders, "the menu rendered for the new page"), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_live_page_whose_browser_is_away_does_not_render_and_renders_the_latest_state_when_it_is_back()
    {
        var connection = Context.Services.GetRequiredService<CircuitConnection>();
        Connect("hv-a", Vm(cpu: 10));
        var probe = Context.Render<FeedProbe>();
        await SeenAsync(probe, 10);

        // The tab closed: the circuit is kept, its page renders nothing of what comes meanwhile.
        connection.MarkDown();
        for (var cpu = 20; cpu <= 22; cpu++)
        {
            Store.ApplyInventory("hv-a", Inventory("hv-a", Vm(cpu)));
        }

        await Eventually.HoldsAsync(() => Context.Services.GetRequiredService<SharedInventory>().Hosts is [{ Vms: [{ CpuUsagePercent: 22 }] }]);
        await Task.Delay(300); // a few of the feed's batches: a render would have come by now
        await probe.InvokeAsync(() => { });
        Assert.Equal(10, probe.Instance.Seen![0].Vms[0].CpuUsagePercent);

        // Back: the latest state at once, without waiting for the next change.
        connection.MarkUp();
        await SeenAsync(probe, 22);
    }

    // Waits until the probe rendered the state in which hv-a's VM reads `cpu` %.
    private static async Task SeenAsync(IRenderedComponent<FeedProbe> probe, int cpu)
    {
        await Eventually.HoldsAsync(
            () => probe.Instance.Seen is [{ Vms: [{ } vm] }] && vm.CpuUsagePercent == cpu && probe.Instance.Rendered,
            what: $"the probe to render hv-a's VM at {cpu} %");

        await probe.InvokeAsync(() => { });
    }

    private static VmSnapshot Vm(int cpu) => new(
        VmId, "vm-1", VmState.Running, TimeSpan.FromHours(1), cpu, 4L << 30, false, 4L << 30, new Version(10, 0), 2, 4, false, false, [], null, null);

    // The menu and the chip, counting their own renders (bUnit's RenderCount also counts their children's, e.g. the nav
    // groups' own re-renders).
    public sealed class CountedNavMenu : NavMenu
    {
        public int Renders { get; private set; }

        protected override void OnAfterRender(bool firstRender)
        {
            base.OnAfterRender(firstRender);
            Renders++;
        }
    }

    public sealed class CountedChip : ConnectionChip
    {
        public int Renders { get; private set; }

        protected override void OnAfterRender(bool firstRender)
        {
            base.OnAfterRender(firstRender);
            Renders++;
        }
    }

    /// <summary>A live component that records the state it last rendered.</summary>
    public sealed class FeedProbe : LiveInventoryComponent
    {
        public IReadOnlyList<HostInventoryState>? Seen { get; private set; }

        public bool Rendered { get; private set; }

        protected override void OnInventoryChanged()
        {
            Seen = Hosts;
            Rendered = false;
        }

        protected override void OnAfterRender(bool firstRender) => Rendered = true;
    }
}
