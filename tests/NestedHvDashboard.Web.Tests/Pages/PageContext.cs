using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>
/// bUnit with a real inventory store as the feed and three configured (never contacted) hosts with
/// tags: hv-a (lab), hv-b (lab, gpu), hv-c (prod). Configured hosts keep the simulated lab out.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public abstract class PageContext : IAsyncLifetime
{
    private HostDirectory? _directory;

    protected BunitContext Context { get; } = new();

    protected PageContext(TimeSpan? metricsInterval = null) =>
        Store = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20), MetricsInterval = metricsInterval ?? new InventoryFeedOptions().MetricsInterval });

    protected InventoryStore Store { get; }

    /// <summary>The directory's configuration: the three hosts unless a test class needs others (or none).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hosts:0:Name"] = "hv-a",
        ["Hosts:0:Address"] = "hv-a.example.test",
        ["Hosts:0:Transport"] = "Ssh",
        ["Hosts:0:Tags:0"] = "lab",
        ["Hosts:1:Name"] = "hv-b",
        ["Hosts:1:Address"] = "hv-b.example.test",
        ["Hosts:1:Transport"] = "Ssh",
        ["Hosts:1:Tags:0"] = "lab",
        ["Hosts:1:Tags:1"] = "gpu",
        ["Hosts:2:Name"] = "hv-c",
        ["Hosts:2:Address"] = "hv-c.example.test",
        ["Hosts:2:Transport"] = "Ssh",
        ["Hosts:2:Tags:0"] = "prod",
    };

    /// <summary>The signed-in user, for a test that renders as another role (<see cref="Access.BunitRoles.As"/>).</summary>
    protected BunitAuthorizationContext Auth { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        _directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance);
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.SignInAs(DashboardRoles.Administrator);
        Context.Services.AddMudServices();
        // The navigation shows admin entries through AuthorizeView: an anonymous user sees none.
        Auth = Context.AddAuthorization();
        Context.Services.AddSingleton<IInventoryFeed>(Store);
        Context.Services.AddSingleton(Store); // changes write the VM they read back into it
        Context.Services.AddSingleton<NestedHvDashboard.Web.Inventory.SharedInventory>();
        Context.Services.AddSingleton(new NestedHvDashboard.Web.Components.CircuitConnection()); // one circuit, its browser connected
        Context.Services.AddSingleton(new MetricHistory(new MetricHistoryOptions()));
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddSingleton(_directory);
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        if (_directory is not null)
        {
            await _directory.DisposeAsync();
        }
    }

    /// <summary>What the monitor does when a host answers: status Connected, then its inventory.</summary>
    protected void Connect(string host, params VmSnapshot[] vms)
    {
        Store.SetHostStatus(host, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
        Store.ApplyInventory(host, Inventory(host, vms));
    }

    protected static HostInventory Inventory(string host, params VmSnapshot[] vms) => new(
        new HostFacts(host, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
            [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null),
        vms,
        DateTimeOffset.UtcNow);
}
