using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Components.Pages;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Pages;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class HomePageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly InventoryStore _store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private HostDirectory? _directory;

    public Task InitializeAsync()
    {
        // A configured (never contacted) host keeps the simulated lab out of this test.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = "hv-a",
            ["Hosts:0:Address"] = "hv-a.example.test",
            ["Hosts:0:Transport"] = "Ssh",
        }).Build();
        _directory = new HostDirectory(configuration, NullLogger<HostDirectory>.Instance);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IInventoryFeed>(_store);
        _context.Services.AddSingleton(_directory);
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        if (_directory is not null)
        {
            await _directory.DisposeAsync();
        }
    }

    [Fact]
    public void The_page_follows_the_feed_without_a_reload()
    {
        _store.ApplyInventory("hv-a", Inventory(Vm("alpha", VmState.Off)));
        var page = _context.Render<Home>();
        page.WaitForAssertion(() => Assert.Contains("alpha", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("bravo", page.Markup, StringComparison.Ordinal);

        _store.ApplyInventory("hv-a", Inventory(Vm("alpha", VmState.Running), Vm("bravo", VmState.Off)));

        page.WaitForAssertion(() =>
        {
            Assert.Contains("bravo", page.Markup, StringComparison.Ordinal);
            Assert.Contains("1/2 running", page.Markup, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Each_vm_name_links_to_its_vm_page()
    {
        var alpha = Vm("alpha", VmState.Off);
        _store.ApplyInventory("hv-a", Inventory(alpha));

        var page = _context.Render<Home>();

        page.WaitForAssertion(() =>
        {
            var link = page.Find("[data-testid=vm-link]");
            Assert.Equal("alpha", link.TextContent.Trim());
            Assert.Equal($"/hosts/hv-a/vms/{alpha.Id}", link.GetAttribute("href"));
        });
    }

    [Fact]
    public void An_unreachable_host_shows_its_error()
    {
        _store.SetHostStatus("hv-a", new HostStatus(HostConnectionState.Unreachable, DateTimeOffset.UtcNow, "connect to host hv-a.example.test port 22: Connection refused"));

        var page = _context.Render<Home>();

        page.WaitForAssertion(() =>
        {
            Assert.Equal("Unreachable", page.Find("[data-testid=host-status]").TextContent.Trim());
            Assert.Contains("Connection refused", page.Markup, StringComparison.Ordinal);
        });
    }

    private static readonly Dictionary<string, Guid> Ids = [];

    private static VmSnapshot Vm(string name, VmState state)
    {
        if (!Ids.TryGetValue(name, out var id))
        {
            id = Guid.NewGuid();
            Ids[name] = id;
        }

        return new VmSnapshot(id, name, state, TimeSpan.Zero, 0, 4L << 30, false, 4L << 30, new Version(9, 0), 2, 2, false, false, [], null, null);
    }

    private static HostInventory Inventory(params VmSnapshot[] vms) => new(
        new HostFacts("hv-a", "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true, [new Version(9, 0)], new Version(9, 0), false, null),
        vms,
        DateTimeOffset.UtcNow);
}
