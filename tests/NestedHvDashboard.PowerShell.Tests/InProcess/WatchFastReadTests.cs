using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>
/// The host-side watch's fast read (Scripts/WatchInventory.ps1): one GetSummaryInformation call per cycle, or Get-VM when
/// that call fails. Two identical hosts on one stopped clock, one of them failing Invoke-CimMethod, must give the same
/// inventory — the one a full read of the host gives at that moment — through the same changes.
/// </summary>
public sealed class WatchFastReadTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Guid[] Ids = [.. Enumerable.Range(1, 5).Select(i => new Guid($"00000000-0000-0000-0000-00000000000{i}"))];

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _summaryHost;
    private readonly SimulatedHost _getVmHost;
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(90));
    private PowerShellHyperVHost? _summary;
    private PowerShellHyperVHost? _getVm;

    public WatchFastReadTests()
    {
        _summaryHost = Build("HV-SUMMARY");
        _getVmHost = Build("HV-GETVM");
        _getVmHost.FailingCommands["Invoke-CimMethod"] = "The WMI provider returned an error: Generic failure.";
        _lab.Add(_summaryHost);
        _lab.Add(_getVmHost);
    }

    public Task InitializeAsync()
    {
        _summary = (PowerShellHyperVHost)HyperVHostFactory.Create(Settings("Summary host", "HV-SUMMARY"), _lab);
        _getVm = (PowerShellHyperVHost)HyperVHostFactory.Create(Settings("Get-VM host", "HV-GETVM"), _lab);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _summary!.DisposeAsync();
        await _getVm!.DisposeAsync();
    }

    public void Dispose() => _bound.Dispose();

    [Fact]
    public async Task Both_fast_reads_give_the_inventory_a_full_read_gives_and_the_watch_says_which_it_uses()
    {
        var reported = new ConcurrentQueue<(string Host, WatchFastRead Read)>();
        var watch = new HostSideInventoryWatch(Interval, configInterval: TimeSpan.FromHours(1), metricsInterval: Interval)
        {
            FastReadReported = (host, read) => reported.Enqueue((host, read)),
        };
        await using var summary = watch.WatchAsync(new MonitoredHost(_summary!, Timeout), _bound.Token).GetAsyncEnumerator(_bound.Token);
        await using var getVm = watch.WatchAsync(new MonitoredHost(_getVm!, Timeout), _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await summary.MoveNextAsync());
        Assert.True(await getVm.MoveNextAsync());
        var dynamicBefore = summary.Current.Vms.Single(v => v.Id == Ids[2]);

        Assert.Equal(new WatchFastRead(WatchFastReadMethod.SummaryInformation, null), watch.FastReadOf("Summary host"));
        var fallback = watch.FastReadOf("Get-VM host");
        Assert.Equal(WatchFastReadMethod.GetVm, fallback?.Method);
        Assert.Contains("GetSummaryInformation failed: The WMI provider returned an error: Generic failure.", fallback?.Reason, StringComparison.Ordinal);
        Assert.Contains(reported, r => r.Host == "Get-VM host" && r.Read == fallback);

        // Time moves (CPU, uptime and dynamic memory with it), a VM is renamed, one stops and one starts: the same on both hosts.
        _clock.Advance(TimeSpan.FromSeconds(7));
        foreach (var host in new[] { _summaryHost, _getVmHost })
        {
            host.Update(h =>
            {
                h.Vms.Single(v => v.Id == Ids[0]).Name = "off01 (renamed)";
                var stopped = h.Vms.Single(v => v.Id == Ids[1]);
                stopped.State = VMState.Off;
                stopped.RunningSince = null;
                var started = h.Vms.Single(v => v.Id == Ids[3]);
                started.State = VMState.Running;
                started.RunningSince = _clock.GetUtcNow().AddSeconds(-3);
            });
        }

        var expected = (await _summary!.GetInventoryAsync(_bound.Token)).Vms;
        // The dynamic VM's memory and CPU moved with the time, so a VmState row and a Metrics row carry them (with the
        // summary: MemoryUsage in MB, ProcessorLoad; with Get-VM: MemoryAssigned in bytes, CPUUsage).
        var dynamicAfter = expected.Single(v => v.Id == Ids[2]);
        Assert.NotEqual(dynamicBefore.MemoryAssignedBytes, dynamicAfter.MemoryAssignedBytes);
        Assert.NotEqual(dynamicBefore.CpuUsagePercent, dynamicAfter.CpuUsagePercent);
        Assert.True(Same((await _getVm!.GetInventoryAsync(_bound.Token)).Vms, expected), "the two hosts differ");
        var bySummary = await NextWhereAsync(summary, i => Same(i.Vms, expected));
        var byGetVm = await NextWhereAsync(getVm, i => Same(i.Vms, expected));
        Assert.True(Same(bySummary.Vms, byGetVm.Vms));
        Assert.Equal("off01 (renamed)", bySummary.Vms.Single(v => v.Id == Ids[0]).Name);
        Assert.Equal(Core.VirtualMachines.VmState.Running, bySummary.Vms.Single(v => v.Id == Ids[3]).State);
        Assert.Equal(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(7), bySummary.Vms.Single(v => v.Id == Ids[2]).Uptime);

        // The summary host's watch never fell back.
        Assert.Equal(WatchFastReadMethod.SummaryInformation, watch.FastReadOf("Summary host")?.Method);
        Assert.DoesNotContain(reported, r => r.Host == "Summary host" && r.Read.Method == WatchFastReadMethod.GetVm);
    }

    [Fact]
    public async Task A_summary_call_that_starts_failing_falls_back_to_get_vm_and_says_why()
    {
        var watch = new HostSideInventoryWatch(Interval, configInterval: TimeSpan.FromHours(1), metricsInterval: Interval);
        await using var inventories = watch.WatchAsync(new MonitoredHost(_summary!, Timeout), _bound.Token).GetAsyncEnumerator(_bound.Token);
        Assert.True(await inventories.MoveNextAsync());
        Assert.Equal(WatchFastReadMethod.SummaryInformation, watch.FastReadOf("Summary host")?.Method);

        _summaryHost.FailingCommands["Invoke-CimMethod"] = "Access denied";
        await NextWhereAsync(inventories, _ => watch.FastReadOf("Summary host")?.Method == WatchFastReadMethod.GetVm);
        Assert.Equal("GetSummaryInformation failed: Access denied", watch.FastReadOf("Summary host")?.Reason);

        // Still watching: a change shows through Get-VM.
        _summaryHost.Update(h => h.Vms.Single(v => v.Id == Ids[4]).Name = "paused01 (renamed)");
        var renamed = await NextWhereAsync(inventories, i => i.Vms.Any(v => v.Name == "paused01 (renamed)"));
        Assert.Equal(5, renamed.Vms.Count);
    }

    private SimulatedHost Build(string name)
    {
        var host = new SimulatedHost(name) { Timing = SimulationTiming.Fast(), Clock = _clock };
        host.AddSwitch("LabSwitch", VMSwitchType.Internal);
        var now = _clock.GetUtcNow();
        Add(host, "off01", 0, _ => { });
        Add(host, "run-static", 1, vm => Run(vm, now.AddMinutes(-5), cpu: 30));
        Add(host, "run-dynamic", 2, vm =>
        {
            Run(vm, now.AddHours(-2), cpu: 60);
            vm.DynamicMemoryEnabled = true;
        });
        Add(host, "saved01", 3, vm => vm.State = VMState.Saved);
        Add(host, "paused01", 4, vm =>
        {
            vm.State = VMState.Paused;
            vm.RunningSince = now.AddMinutes(-1);
        });
        return host;
    }

    private static void Add(SimulatedHost host, string name, int index, Action<SimulatedVm> configure) =>
        host.AddVm(name, vm =>
        {
            vm.Id = Ids[index];
            vm.CreationTime = DateTimeOffset.UnixEpoch;
            vm.NetworkAdapters[0].MacAddress = $"00155D0000{index:X2}";
            configure(vm);
        });

    private static void Run(SimulatedVm vm, DateTimeOffset since, int cpu)
    {
        vm.State = VMState.Running;
        vm.RunningSince = since;
        vm.CpuBaseline = cpu;
    }

    private static HostConnectionSettings Settings(string name, string address) =>
        new() { Name = name, Address = address, Transport = HostTransport.InProcess, Timeout = Timeout, MaxConcurrency = 2 };

    private static bool Same(IReadOnlyList<Core.VirtualMachines.VmSnapshot> left, IReadOnlyList<Core.VirtualMachines.VmSnapshot> right) =>
        left.Count == right.Count && left.All(l => right.SingleOrDefault(r => r.Id == l.Id) is { } match && l.SameAs(match));

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
}
