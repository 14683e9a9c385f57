using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary>One click adds an L1 guest of the simulated lab as a host: refusals name why; success is saved and watched.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class NestedHostDirectoryTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-nested-").FullName;
    private readonly InventoryStore _feed = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private readonly List<HostDirectory> _directories = [];
    private InventoryMonitor _monitor = null!;

    public Task InitializeAsync()
    {
        _monitor = new InventoryMonitor([], _feed, new InventoryMonitorOptions(), NullLogger<InventoryMonitor>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _monitor.Dispose();
        foreach (var directory in _directories)
        {
            await directory.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private async Task<HostDirectory> NewDirectoryAsync(Dictionary<string, string?>? hosts = null, bool watched = true)
    {
        var store = TestStores.Hosts(_folder);
        // The simulated L1 guests live in the lab: it runs when no host is configured.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(hosts ?? new Dictionary<string, string?> { [HostDirectory.SimulatorEnabledSetting] = "true" }).Build();
        var directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance, store);
        if (watched)
        {
            directory.Subscribe(_monitor);
        }

        _directories.Add(directory);
        return directory;
    }

    private static (SimulatedHost Host, SimulatedVm Vm) Find(HostDirectory directory, Func<SimulatedVm, bool> match)
    {
        foreach (var host in directory.Lab!.Lab.Hosts)
        {
            if (host.Read(h => h.Vms.FirstOrDefault(match)) is { } vm)
            {
                return (host, vm);
            }
        }

        throw new InvalidOperationException("The default lab has no such VM.");
    }

    [Fact]
    public async Task An_L1_guest_is_added_saved_watched_and_lists_its_L2_vms()
    {
        var directory = await NewDirectoryAsync();
        var (parent, vm) = Find(directory, v => v.Name == "nested-l1-01");

        var result = await directory.AddNestedHostAsync(parent.Name, vm.Id);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));
        var added = Assert.Single(directory.Hosts, h => h.Settings.ParentHost is not null);
        Assert.Equal("nested-l1-01", added.Name);
        Assert.Equal(HostSource.Stored, added.Source);
        Assert.Equal(vm.Id, added.Settings.ParentVmId);
        Assert.Contains("nested", added.Settings.Tags);
        Assert.Equal("nested-l1-01", directory.NestedHostNamed(parent.Name, vm.Id));
        Assert.Contains("nested-l1-01", _monitor.HostNames);
        var inventory = await directory["nested-l1-01"].GetInventoryAsync();
        Assert.Contains(inventory.Vms, v => v.Name == "l2-app-01");

        // After a restart the database brings it back beside the lab, placed under the same VM.
        var reloaded = await NewDirectoryAsync(watched: false);
        var again = Assert.Single(reloaded.Hosts, h => h.Settings.ParentHost is not null);
        Assert.Equal((parent.Name, vm.Id), (again.Settings.ParentHost, again.Settings.ParentVmId));
        Assert.Equal(6, reloaded.Hosts.Count(h => h.Source == HostSource.Simulated));

        var twice = await directory.AddNestedHostAsync(parent.Name, vm.Id);
        Assert.Contains("already the host 'nested-l1-01'", Assert.Single(twice.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_stopped_or_non_HyperV_vms_are_refused_naming_host_and_vm()
    {
        var directory = await NewDirectoryAsync();
        var (offHost, off) = Find(directory, v => v.State == VMState.Off);
        var (plainHost, plain) = Find(directory, v => v.State == VMState.Running && v.Guest is { } g && !g.Host.Read(h => h.HyperVInstalled));
        var unknownId = Guid.NewGuid();

        var unknown = await directory.AddNestedHostAsync(offHost.Name, unknownId);
        var stopped = await directory.AddNestedHostAsync(offHost.Name, off.Id);
        var noHyperV = await directory.AddNestedHostAsync(plainHost.Name, plain.Id);
        var noHost = await directory.AddNestedHostAsync("NO-SUCH-HOST", off.Id);

        Assert.Contains($"Host '{offHost.Name}' has no VM with id {unknownId}", Assert.Single(unknown.Errors).Message, StringComparison.Ordinal);
        Assert.Contains($"VM '{off.Name}' on host '{offHost.Name}' is Off", Assert.Single(stopped.Errors).Message, StringComparison.Ordinal);
        Assert.Contains($"VM '{plain.Name}' on host '{plainHost.Name}' does not run Hyper-V", Assert.Single(noHyperV.Errors).Message, StringComparison.Ordinal);
        Assert.Contains("NO-SUCH-HOST", Assert.Single(noHost.Errors).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(directory.Hosts, h => h.Settings.ParentHost is not null);
        Assert.Empty(await TestStores.Hosts(_folder).LoadAsync());
    }

    [Fact]
    public async Task A_vm_on_a_real_host_is_sent_to_the_connections_page()
    {
        var directory = await NewDirectoryAsync(new()
        {
            ["Hosts:0:Name"] = "hv-real",
            ["Hosts:0:Address"] = "hv-real.lab.example",
            ["Hosts:0:Transport"] = "WinRm",
        });

        var result = await directory.AddNestedHostAsync("hv-real", Guid.NewGuid());

        var message = Assert.Single(result.Errors).Message;
        Assert.Contains("real host 'hv-real'", message, StringComparison.Ordinal);
        Assert.Contains("Connections page", message, StringComparison.Ordinal);
        Assert.Single(directory.Hosts);
    }
}
