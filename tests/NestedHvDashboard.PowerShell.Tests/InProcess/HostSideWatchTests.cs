using System.Collections.Concurrent;
using System.Management.Automation;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>The host-side watch (Scripts/WatchInventory.ps1 and its engine) against the in-process simulator.</summary>
public sealed class HostSideWatchTests : IAsyncLifetime, IDisposable
{
    private const string HostName = "HV-WATCH";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _host;
    private readonly SimulatedVm _plain;
    private readonly SimulatedVm _twoAdapters;
    private readonly SimulatedVm _checkpointed;
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(60));
    private PowerShellHyperVHost? _dashboardHost;

    public HostSideWatchTests()
    {
        // Off VMs only: nothing on this host changes unless a test changes it.
        _host = new SimulatedHost(HostName) { Timing = SimulationTiming.Fast() };
        _host.AddSwitch("LabSwitch", VMSwitchType.Internal);
        _plain = _host.AddVm("plain01");
        _twoAdapters = _host.AddVm("net01", vm =>
            vm.NetworkAdapters.Add(new SimulatedVmNetworkAdapter { Name = "Second Adapter", SwitchName = "LabSwitch", MacAddress = "00155D0000AA" }));
        _checkpointed = _host.AddVm("chk01", vm =>
        {
            vm.ProcessorCount = 4;
            vm.Checkpoints.Add(new SimulatedCheckpoint { Name = "before update", CreationTime = DateTimeOffset.UtcNow });
        });
        _lab.Add(_host);
    }

    private PowerShellHyperVHost DashboardHost => _dashboardHost ?? throw new InvalidOperationException("Not initialised.");

    private MonitoredHost Monitored => new(DashboardHost, Timeout);

    public Task InitializeAsync()
    {
        _dashboardHost = (PowerShellHyperVHost)HyperVHostFactory.Create(Settings(maxConcurrency: 2), _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await DashboardHost.DisposeAsync();

    public void Dispose() => _bound.Dispose();

    private static HostConnectionSettings Settings(int maxConcurrency) =>
        new() { Name = "Watched host", Address = HostName, Transport = HostTransport.InProcess, Timeout = Timeout, MaxConcurrency = maxConcurrency };

    [Fact]
    public async Task The_first_inventory_is_what_a_full_read_returns()
    {
        var watch = new HostSideInventoryWatch(Interval);
        var expected = await DashboardHost.GetInventoryAsync();

        await using var inventories = watch.WatchAsync(Monitored, _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());
        var first = inventories.Current;

        Assert.True(first.Facts.SameAs(expected.Facts));
        Assert.Equal(3, first.Vms.Count);
        Assert.Equal(expected.Vms.Count, first.Vms.Count);
        foreach (var vm in expected.Vms)
        {
            var watched = Assert.Single(first.Vms, v => v.Id == vm.Id);
            Assert.True(watched.SameAs(vm), $"{vm.Name} differs: {watched} vs {vm}");
        }

        Assert.Equal(2, first.Vms.Single(v => v.Id == _twoAdapters.Id).NetworkAdapters.Count);
        Assert.True(first.Vms.Single(v => v.Id == _checkpointed.Id).HasCheckpoints);
    }

    [Fact]
    public async Task Changes_made_through_the_engine_or_on_the_host_show_in_the_next_inventories()
    {
        var watch = new HostSideInventoryWatch(Interval);
        await using var inventories = watch.WatchAsync(Monitored, _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());
        Assert.False(inventories.Current.Vms.Single(v => v.Id == _plain.Id).ExposeVirtualizationExtensions);

        // A normal call runs while the watch holds its runspace.
        var changed = await DashboardHost.SetNestedVirtualizationAsync(_plain.Id, enabled: true);
        Assert.True(changed.ExposeVirtualizationExtensions);
        var afterSet = await NextWhereAsync(inventories, i => i.Vms.Single(v => v.Id == _plain.Id).ExposeVirtualizationExtensions);
        Assert.Equal(3, afterSet.Vms.Count);

        var added = _host.AddVm("late01", vm => vm.ProcessorCount = 8);
        var afterAdd = await NextWhereAsync(inventories, i => i.Vms.Any(v => v.Id == added.Id));
        Assert.Equal(8, afterAdd.Vms.Single(v => v.Id == added.Id).ProcessorCount);
        Assert.Equal(4, afterAdd.Vms.Count);

        _host.Update(h => h.Vms.RemoveAll(v => v.Id == _checkpointed.Id));
        var afterRemove = await NextWhereAsync(inventories, i => i.Vms.All(v => v.Id != _checkpointed.Id));
        Assert.Equal(3, afterRemove.Vms.Count);
        Assert.True(afterRemove.Vms.Single(v => v.Id == _plain.Id).ExposeVirtualizationExtensions); // kept from before
    }

    [Fact]
    public async Task After_the_first_cycle_only_changed_rows_cross_the_wire()
    {
        var cycles = new ConcurrentQueue<WatchCycle>();
        var watch = new HostSideInventoryWatch(Interval) { CycleObserver = cycles.Enqueue };
        await using var inventories = watch.WatchAsync(Monitored, _bound.Token).GetAsyncEnumerator(_bound.Token);

        Assert.True(await inventories.MoveNextAsync());
        Assert.True(await inventories.MoveNextAsync());
        Assert.True(cycles.TryDequeue(out var first));
        Assert.True(cycles.TryDequeue(out var second));

        // Everything first: the host, 3 VMs, 4 adapters (one each, two on net01), and how the fast fields are read.
        Assert.Equal(1, first.Sequence);
        Assert.Equal(["Adapter", "Adapter", "Adapter", "Adapter", "Host", "Vm", "Vm", "Vm", "WatchState"], Kinds(first));
        // Then nothing, as nothing changed.
        Assert.Equal(2, second.Sequence);
        Assert.Empty(second.Rows);

        await DashboardHost.SetNestedVirtualizationAsync(_twoAdapters.Id, enabled: true);
        await NextWhereAsync(inventories, i => i.Vms.Single(v => v.Id == _twoAdapters.Id).ExposeVirtualizationExtensions);

        // The dashboard's own change shows from the answer it already has: no configuration crosses the wire again
        // (until the config interval, 30 s by default), so every cycle since the second is empty.
        var later = cycles.ToArray();
        Assert.All(later, c => Assert.Empty(c.Rows));
        Assert.Equal(Enumerable.Range(3, later.Length).Select(n => (long)n), later.Select(c => c.Sequence));

        // A removed VM is one VmRemoved row.
        cycles.Clear();
        _host.Update(h => h.Vms.RemoveAll(v => v.Id == _plain.Id));
        await NextWhereAsync(inventories, i => i.Vms.All(v => v.Id != _plain.Id));
        // (A cycle that listed the VM just before it went may also carry its rows; nothing else changed.)
        var sent = cycles.ToArray().SelectMany(c => c.Rows).ToList();
        Assert.All(sent, row => Assert.Contains(_plain.Id.ToString(), new[] { Text(row, "Id"), Text(row, "VMId") }));
        var removal = Assert.Single(cycles.ToArray(), c => c.Rows.Any(row => Text(row, "Kind") == "VmRemoved"));
        var removed = Assert.Single(removal.Rows);
        Assert.Equal(_plain.Id.ToString(), Text(removed, "Id"));
    }

    [Fact]
    public async Task Cancelling_ends_the_watch()
    {
        var watch = new HostSideInventoryWatch(Interval);
        using var cancel = new CancellationTokenSource();
        await using var inventories = watch.WatchAsync(Monitored, cancel.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await inventories.MoveNextAsync())
            {
            }
        });
    }

    [Fact]
    public async Task Cancelling_a_stream_stops_its_pipeline_and_gives_its_runspace_back()
    {
        // One runspace only: the inventory read below can run only once the watch pipeline has stopped.
        await using var single = (PowerShellHyperVHost)HyperVHostFactory.Create(Settings(maxConcurrency: 1) with { Timeout = TimeSpan.FromSeconds(20) }, _lab);
        var command = new HostCommand(HostScript.WatchInventory, new Dictionary<string, object?> { ["Interval"] = Interval.TotalSeconds }, "watch");
        using var cancel = new CancellationTokenSource();
        await using (var rows = single.Session.StreamAsync(command, Timeout, row => HostRows.KindOf(row) == "Tick", cancel.Token).GetAsyncEnumerator(_bound.Token))
        {
            do
            {
                Assert.True(await rows.MoveNextAsync());
            }
            while (HostRows.KindOf(rows.Current) != "Tick");

            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                while (await rows.MoveNextAsync())
                {
                }
            });
        }

        var inventory = await single.GetInventoryAsync(_bound.Token);
        Assert.Equal(3, inventory.Vms.Count);
    }

    [Fact]
    public async Task A_host_with_a_single_connection_is_refused_so_that_it_is_polled()
    {
        await using var single = (PowerShellHyperVHost)HyperVHostFactory.Create(Settings(maxConcurrency: 1), _lab);
        var watch = new HostSideInventoryWatch(Interval);

        var error = await Assert.ThrowsAsync<HostOperationException>(async () =>
        {
            await foreach (var inventory in watch.WatchAsync(new MonitoredHost(single, Timeout), _bound.Token))
            {
            }
        });
        Assert.Equal(HostErrorKind.HostRefused, error.Kind);

        // The monitor's choice then polls it.
        var composite = new HostSideFirstInventoryWatch(watch, new PollingInventoryWatch(Interval));
        await using var inventories = composite.WatchAsync(new MonitoredHost(single, Timeout), _bound.Token).GetAsyncEnumerator(_bound.Token);
        var before = single.Session.InvocationCount;
        Assert.True(await inventories.MoveNextAsync());
        Assert.Equal(3, inventories.Current.Vms.Count);
        Assert.Equal(before + 1, single.Session.InvocationCount); // one full read
    }

    [Fact]
    public async Task Host_facts_are_read_once_per_connection_and_again_on_demand()
    {
        var cycles = new ConcurrentQueue<WatchCycle>();
        var watch = new HostSideInventoryWatch(Interval) { CycleObserver = cycles.Enqueue };
        await using var inventories = watch.WatchAsync(Monitored, _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());
        cycles.Clear();

        _host.Update(h => h.Profile.OsCaption = "Microsoft Windows Server 2025 Datacenter");

        // Cycles go by without reading the host again.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await inventories.MoveNextAsync());
            Assert.NotEqual("Microsoft Windows Server 2025 Datacenter", inventories.Current.Facts.OsCaption);
        }

        // The refresh action reads them; the watch takes them at its next cycle.
        var read = await DashboardHost.GetHostFactsAsync(_bound.Token);
        Assert.Equal("Microsoft Windows Server 2025 Datacenter", read.OsCaption);
        var changed = await NextWhereAsync(inventories, i => i.Facts.OsCaption == "Microsoft Windows Server 2025 Datacenter");
        Assert.Equal(3, changed.Vms.Count);
        Assert.All(cycles.ToArray(), c => Assert.Empty(c.Rows));
    }

    [Fact]
    public async Task Configuration_changed_behind_the_dashboard_waits_for_the_config_interval_but_a_state_change_reads_it_at_once()
    {
        var cycles = new ConcurrentQueue<WatchCycle>();
        var watch = new HostSideInventoryWatch(Interval, configInterval: TimeSpan.FromHours(1)) { CycleObserver = cycles.Enqueue };
        await using var inventories = watch.WatchAsync(Monitored, _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());
        cycles.Clear();

        _host.Update(h => h.Vms.Single(v => v.Id == _plain.Id).ProcessorCount = 6);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await inventories.MoveNextAsync());
            Assert.Equal(2, inventories.Current.Vms.Single(v => v.Id == _plain.Id).ProcessorCount);
        }

        Assert.All(cycles.ToArray(), c => Assert.Empty(c.Rows));

        // A fast field that suggests a change (the state) has the VM's configuration read in the same cycle.
        _host.Update(h =>
        {
            var vm = h.Vms.Single(v => v.Id == _plain.Id);
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow;
        });
        var started = await NextWhereAsync(inventories, i => i.Vms.Single(v => v.Id == _plain.Id).State == Core.VirtualMachines.VmState.Running);
        Assert.Equal(6, started.Vms.Single(v => v.Id == _plain.Id).ProcessorCount);
        var carrying = Assert.Single(cycles.ToArray(), c => c.Rows.Any(r => HostRows.KindOf(r) != "Metrics"));
        Assert.Equal(["Adapter", "Vm"], Kinds(carrying).Where(k => k != "Metrics"));
    }

    [Fact]
    public async Task A_vm_another_instance_read_back_after_a_change_is_taken_at_the_next_cycle_not_at_the_config_interval()
    {
        var watch = new HostSideInventoryWatch(Interval, configInterval: TimeSpan.FromHours(1));
        await using var inventories = watch.WatchAsync(Monitored, _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());

        // Another instance of the dashboard (its own connection to the host) changed the VM and read it back.
        _host.Update(h => h.Vms.Single(v => v.Id == _plain.Id).ProcessorCount = 6);
        await using var otherInstance = (PowerShellHyperVHost)HyperVHostFactory.Create(Settings(maxConcurrency: 2), _lab);
        var readBack = await otherInstance.GetVmAsync(_plain.Id, _bound.Token);
        Assert.True(await inventories.MoveNextAsync());
        Assert.Equal(2, inventories.Current.Vms.Single(v => v.Id == _plain.Id).ProcessorCount);

        DashboardHost.TakeVmReadElsewhere(readBack);

        var taken = await NextWhereAsync(inventories, i => i.Vms.Single(v => v.Id == _plain.Id).ProcessorCount == 6);
        Assert.Equal(Core.VirtualMachines.VmState.Off, taken.Vms.Single(v => v.Id == _plain.Id).State);
    }

    [Fact]
    public async Task Configuration_changed_behind_the_dashboard_is_read_at_the_config_interval()
    {
        var watch = new HostSideInventoryWatch(Interval, configInterval: TimeSpan.FromMilliseconds(300));
        await using var inventories = watch.WatchAsync(Monitored, _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());

        _host.Update(h => h.Vms.Single(v => v.Id == _plain.Id).ProcessorCount = 6);

        var read = await NextWhereAsync(inventories, i => i.Vms.Single(v => v.Id == _plain.Id).ProcessorCount == 6);
        Assert.Equal(Core.VirtualMachines.VmState.Off, read.Vms.Single(v => v.Id == _plain.Id).State);
    }

    [Fact]
    public async Task Cpu_and_uptime_of_a_running_vm_travel_as_metrics_rows_not_as_vm_rows()
    {
        var running = _host.AddVm("run01", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5);
        });
        var cycles = new ConcurrentQueue<WatchCycle>();
        var watch = new HostSideInventoryWatch(Interval, metricsInterval: TimeSpan.FromMilliseconds(100)) { CycleObserver = cycles.Enqueue };
        await using var inventories = watch.WatchAsync(Monitored, _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());
        var firstUptime = inventories.Current.Vms.Single(v => v.Id == running.Id).Uptime;
        cycles.Clear();

        // Uptime moves every second: the inventory follows it through Metrics rows alone.
        var later = await NextWhereAsync(inventories, i => i.Vms.Single(v => v.Id == running.Id).Uptime > firstUptime);
        Assert.Equal(Core.VirtualMachines.VmState.Running, later.Vms.Single(v => v.Id == running.Id).State);
        var rows = cycles.ToArray().SelectMany(c => c.Rows).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Equal("Metrics", HostRows.KindOf(row)));
        Assert.Contains(rows, row => Text(row, "Values").Contains(running.Id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_watch_taken_over_with_known_vms_reads_only_what_is_new_or_changed_state_and_the_rest_at_the_config_interval()
    {
        // What the instance taking the host over has from the former owner: plain01 as it was (but with a processor count
        // the host no longer has: a change the former owner did not live to see), net01 as Running (it is Off now), a VM
        // the host no longer has, and not chk01 (created since).
        var read = await DashboardHost.GetInventoryAsync();
        var plain = read.Vms.Single(v => v.Id == _plain.Id);
        var gone = plain with { Id = Guid.NewGuid(), Name = "gone01" };
        var known = new[]
        {
            plain with { ProcessorCount = 7 },
            read.Vms.Single(v => v.Id == _twoAdapters.Id) with { State = Core.VirtualMachines.VmState.Running },
            gone,
        };
        var cycles = new ConcurrentQueue<WatchCycle>();
        var watch = new HostSideInventoryWatch(Interval, configInterval: TimeSpan.FromSeconds(2)) { CycleObserver = cycles.Enqueue };
        await using var inventories = watch.WatchAsync(Monitored with { KnownVms = known }, _bound.Token).GetAsyncEnumerator(_bound.Token);

        Assert.True(await inventories.MoveNextAsync());
        var first = inventories.Current;
        Assert.True(cycles.TryDequeue(out var cycle));

        // The first cycle: the host, the configuration of net01 (changed state) and chk01 (new) only, gone01 removed.
        Assert.Equal(["Adapter", "Adapter", "Adapter", "Host", "Vm", "Vm", "VmRemoved", "WatchState"], Kinds(cycle));
        Assert.Equal(
            new[] { _twoAdapters.Id, _checkpointed.Id }.Select(id => id.ToString()).Order(StringComparer.Ordinal),
            cycle.Rows.Where(r => HostRows.KindOf(r) == "Vm").Select(r => Text(r, "Id")).Order(StringComparer.Ordinal));
        Assert.Equal(gone.Id.ToString(), Text(Assert.Single(cycle.Rows, r => HostRows.KindOf(r) == "VmRemoved"), "Id"));

        // The first inventory: every VM the host has, plain01 still as known (its configuration is read at the config
        // interval), the others as the host has them.
        Assert.Equal(read.Vms.Select(v => v.Id).Order(), first.Vms.Select(v => v.Id).Order());
        Assert.Equal(7, first.Vms.Single(v => v.Id == _plain.Id).ProcessorCount);
        Assert.True(first.Vms.Single(v => v.Id == _twoAdapters.Id).SameAs(read.Vms.Single(v => v.Id == _twoAdapters.Id)));
        Assert.True(first.Vms.Single(v => v.Id == _checkpointed.Id).SameAs(read.Vms.Single(v => v.Id == _checkpointed.Id)));
        Assert.True(first.Facts.SameAs(read.Facts));

        // The first configuration cycle reads plain01 as the host has it.
        var corrected = await NextWhereAsync(inventories, i => i.Vms.Single(v => v.Id == _plain.Id).ProcessorCount != 7);
        Assert.True(corrected.Vms.Single(v => v.Id == _plain.Id).SameAs(plain));
    }

    [Fact]
    public async Task Known_vms_in_arrays_of_different_lengths_are_refused_naming_the_counts()
    {
        var command = new HostCommand(
            HostScript.WatchInventory,
            new Dictionary<string, object?>
            {
                ["KnownIds"] = new[] { _plain.Id.ToString(), _twoAdapters.Id.ToString() },
                ["KnownNames"] = new[] { "plain01" },
                ["KnownStates"] = new[] { "Off", "Off" },
                ["KnownMemory"] = new[] { 0L, 0L },
            },
            "watch with known VMs");

        var error = await Assert.ThrowsAsync<HostOperationException>(async () =>
        {
            await foreach (var row in DashboardHost.Session.StreamAsync(command, Timeout, _ => true, _bound.Token))
            {
                Assert.Fail($"A row came: {HostRows.KindOf(row)}");
            }
        });
        Assert.Contains("KnownIds has 2 VMs but KnownNames 1, KnownStates 2 and KnownMemory 2", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HostInventory> NextWhereAsync(IAsyncEnumerator<HostInventory> inventories, Func<HostInventory, bool> condition)
    {
        while (await inventories.MoveNextAsync())
        {
            if (condition(inventories.Current))
            {
                return inventories.Current;
            }
        }

        throw new InvalidOperationException("The watch ended.");
    }

    private static string[] Kinds(WatchCycle cycle) => [.. cycle.Rows.Select(HostRows.KindOf).Order(StringComparer.Ordinal)];

    private static string Text(PSObject row, string name) => row.Properties[name]?.Value?.ToString() ?? string.Empty;
}
