using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary>
/// The directory publishes host lifetimes: a subscriber is first told every host there is (whenever it subscribes, so no
/// construction order matters), then each one added, replaced or removed, until it unsubscribes. And the catalog merges.
/// </summary>
public sealed class HostLifetimeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-lifetimes-").FullName;
    private readonly FakeConnector _connector = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private HostDirectory NewDirectory() => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = "hv-config",
            ["Hosts:0:Address"] = "hv-config.lab.example",
        }).Build(),
        NullLogger<HostDirectory>.Instance,
        Data.TestStores.Hosts(_folder),
        _connector);

    [Fact]
    public async Task A_subscriber_hears_the_hosts_there_are_then_every_add_replace_and_remove_until_it_unsubscribes()
    {
        await using var directory = NewDirectory();
        var observer = new RecordingObserver();

        var subscription = directory.Subscribe(observer);
        Assert.True((await directory.AddAsync(new HostForm { Name = "hv01", Address = "hv01.lab.example" })).Succeeded);
        Assert.True((await directory.UpdateAsync("hv01", new HostForm { Name = "hv02", Address = "hv02.lab.example" })).Succeeded);
        Assert.True((await directory.RemoveAsync("hv02")).Succeeded);
        subscription.Dispose();
        Assert.True((await directory.AddAsync(new HostForm { Name = "hv03", Address = "hv03.lab.example" })).Succeeded);

        Assert.Equal(["added hv-config", "added hv01", "replaced hv01 by hv02", "removed hv02"], observer.Heard);
        Assert.Same(directory.Find("hv-config"), observer.Hosts["hv-config"]);
    }

    [Fact]
    public async Task A_late_subscriber_hears_every_host_once()
    {
        await using var directory = NewDirectory();
        await directory.AddAsync(new HostForm { Name = "hv01", Address = "hv01.lab.example" });
        var observer = new RecordingObserver();

        using (directory.Subscribe(observer))
        {
            Assert.Equal(["added hv-config", "added hv01"], observer.Heard);
        }
    }

    [Fact]
    public void The_catalog_puts_configured_hosts_first_shadows_stored_namesakes_and_holds_simulated_guests_back_for_the_lab()
    {
        HostConnectionSettings configured = new() { Name = "HV01", Address = "hv01.lab.example" };
        HostConnectionSettings shadowed = new() { Name = "hv01", Address = "elsewhere.lab.example" };
        HostConnectionSettings stored = new() { Name = "hv02", Address = "hv02.lab.example" };
        HostConnectionSettings guest = new() { Name = "l1", Address = "l1", Transport = HostTransport.InProcess, ParentHost = "lab-a" };

        var merged = HostCatalog.Merge([configured], [shadowed, stored, guest]);

        Assert.Equal([("HV01", HostSource.Configuration), ("hv02", HostSource.Stored)], merged.Hosts.Select(h => (h.Name, h.Source)));
        Assert.Equal(["hv01"], merged.Shadowed);
        Assert.Equal(["l1"], merged.Nested.Select(h => h.Name));
        Assert.Equal(
            ["HV01", "hv02", "lab-a", "l1"],
            HostCatalog.WithLab(merged, [new HostConnectionSettings { Name = "lab-a", Address = "lab-a", Transport = HostTransport.InProcess }]).Select(h => h.Name));
    }

    private sealed class RecordingObserver : IHostLifetimeObserver
    {
        public List<string> Heard { get; } = [];

        public Dictionary<string, IHyperVHost> Hosts { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void HostAdded(MonitoredHost host)
        {
            Heard.Add($"added {host.Name}");
            Hosts[host.Name] = host.Host;
        }

        public Task HostReplacedAsync(string name, MonitoredHost host)
        {
            Heard.Add($"replaced {name} by {host.Name}");
            return Task.CompletedTask;
        }

        public Task HostRemovedAsync(string name)
        {
            Heard.Add($"removed {name}");
            return Task.CompletedTask;
        }
    }
}
