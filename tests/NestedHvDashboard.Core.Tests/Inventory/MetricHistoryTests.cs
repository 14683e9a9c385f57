using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using Xunit.Abstractions;

namespace NestedHvDashboard.Core.Tests.Inventory;

public sealed class MetricHistoryTests(ITestOutputHelper output)
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly MetricHistory _history = new(new MetricHistoryOptions { Interval = Interval, Window = TimeSpan.FromMinutes(60) });

    [Fact]
    public void A_vm_gets_one_point_per_interval_oldest_first_over_the_hour()
    {
        for (var i = 0; i < 3; i++)
        {
            _history.Record([Connected("hv1", InventoryData.Vm(A, "alpha", cpu: 10 * (i + 1)))], SampleTime(i));
        }

        var series = _history.ForVm(A, SampleTime(2))!;
        Assert.Equal(240, series.Points.Count);
        Assert.Equal([10, 20, 30], series.Points.Where(p => p is not null).Select(p => p!.Value.CpuPercent));
        Assert.Equal(30, series.Latest!.Value.CpuPercent);
        Assert.True(series.IsCurrent);
        Assert.Equal(30, series.PeakCpu);
        Assert.Equal(Start + (Interval * 2), series.End);
        Assert.Equal(Start + Interval, series.TimeOf(series.Points.Count - 2));
    }

    [Fact]
    public void While_the_host_is_unreachable_its_vms_and_the_host_get_gaps_not_zeros()
    {
        _history.Record([Connected("hv1", InventoryData.Vm(A, "alpha", cpu: 40))], SampleTime(0));
        _history.Record([Unreachable("hv1", InventoryData.Vm(A, "alpha", cpu: 40))], SampleTime(1));
        _history.Record([Connected("hv1", InventoryData.Vm(A, "alpha", cpu: 50))], SampleTime(2));

        foreach (var series in new[] { _history.ForVm(A, SampleTime(2))!, _history.ForHost("hv1", SampleTime(2))! })
        {
            var last = series.Points.TakeLast(3).ToList();
            Assert.Equal(40, last[0]!.Value.CpuPercent);
            Assert.Null(last[1]);
            Assert.Equal(50, last[2]!.Value.CpuPercent);
        }
    }

    [Fact]
    public void The_host_point_is_its_running_vms_average_cpu_and_its_vms_memory()
    {
        var off = InventoryData.Vm(B, "bravo") with { State = VmState.Off, CpuUsagePercent = 0, MemoryAssignedBytes = 0 };
        var third = InventoryData.Vm(Guid.NewGuid(), "charlie", cpu: 30);
        _history.Record([Connected("HV1", InventoryData.Vm(A, "alpha", cpu: 10), off, third)], SampleTime(0));

        var reading = _history.ForHost("hv1", SampleTime(0))!.Latest!.Value;
        Assert.Equal(20, reading.CpuPercent);
        Assert.Equal(8, reading.MemoryGiB);
    }

    [Fact]
    public void A_vm_or_host_that_is_gone_loses_its_history_at_the_next_sample()
    {
        _history.Record([Connected("hv1", InventoryData.Vm(A, "alpha"), InventoryData.Vm(B, "bravo")), Connected("hv2")], SampleTime(0));
        Assert.Equal(2, _history.VmCount);
        Assert.Equal(2, _history.HostCount);

        _history.Record([Connected("hv1", InventoryData.Vm(A, "alpha"))], SampleTime(1));

        Assert.Null(_history.ForVm(B, SampleTime(1)));
        Assert.Null(_history.ForHost("hv2", SampleTime(1)));
        Assert.NotNull(_history.ForVm(A, SampleTime(1)));
        Assert.Equal(1, _history.VmCount);
        Assert.Equal(1, _history.HostCount);
    }

    [Fact]
    public void Readings_older_than_the_window_drop_out_and_an_interval_without_a_sample_is_a_gap()
    {
        _history.Record([Connected("hv1", InventoryData.Vm(A, "alpha", cpu: 5))], SampleTime(0));
        _history.Record([Connected("hv1", InventoryData.Vm(A, "alpha", cpu: 6))], SampleTime(240));

        var series = _history.ForVm(A, SampleTime(240))!;
        Assert.Equal(1, series.Readings);
        Assert.Equal(6, series.Latest!.Value.CpuPercent);

        // Ten minutes later, nothing was sampled: the newest reading is no longer "now".
        var later = _history.ForVm(A, SampleTime(280))!;
        Assert.False(later.IsCurrent);
        Assert.Equal(SampleTime(240) - (Interval / 2), later.TimeOf(later.LatestIndex));
    }

    [Fact]
    public void Samples_come_in_the_middle_of_each_interval_and_the_window_ends_at_the_last_one_sampled()
    {
        var inInterval = Start + TimeSpan.FromSeconds(3);
        Assert.Equal(Start + TimeSpan.FromSeconds(7.5), _history.NextSampleAfter(inInterval));
        Assert.Equal(Start + TimeSpan.FromSeconds(22.5), _history.NextSampleAfter(Start + TimeSpan.FromSeconds(7.5)));

        _history.Record([Connected("hv1", InventoryData.Vm(A, "alpha", cpu: 9))], SampleTime(0));
        // Before the next interval's sample its point is not shown as missing: the window still ends at the one sampled.
        Assert.True(_history.ForVm(A, SampleTime(0) + TimeSpan.FromSeconds(10))!.IsCurrent);
        Assert.Equal(9, _history.ForVm(A, SampleTime(0) + TimeSpan.FromSeconds(10))!.Points[^1]!.Value.CpuPercent);
    }

    [Fact]
    public void A_sample_after_the_first_allocates_nothing_per_vm()
    {
        var hosts = Enumerable.Range(0, 10)
            .Select(h => Connected($"hv{h}", [.. Enumerable.Range(0, 100).Select(v => InventoryData.Vm(Guid.NewGuid(), $"vm{v}", cpu: v % 100))]))
            .ToList();
        _history.Record(hosts, SampleTime(0));

        var before = GC.GetAllocatedBytesForCurrentThread();
        _history.Record(hosts, SampleTime(1));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1000, _history.VmCount);
        // A few enumerators of the lists, not one object per VM.
        Assert.True(allocated < 2_000, $"a sample of 1,000 VMs allocated {allocated} bytes");
    }

    [Fact]
    public void An_hour_of_history_costs_under_a_kilobyte_per_vm()
    {
        var hosts = Enumerable.Range(0, 20)
            .Select(h => Connected($"hv{h}", [.. Enumerable.Range(0, 500).Select(v => InventoryData.Vm(Guid.NewGuid(), $"vm{v}", cpu: v % 100))]))
            .ToList();

        // Everything the first sample allocates (the rings and the dictionaries, with their growth on the way) is an upper
        // bound of what the history holds.
        var before = GC.GetAllocatedBytesForCurrentThread();
        _history.Record(hosts, SampleTime(0));
        var perVm = (GC.GetAllocatedBytesForCurrentThread() - before) / 10_000.0;

        output.WriteLine($"first sample of 10,000 VMs: {perVm:0} bytes per VM ({_history.Capacity} points)");
        Assert.True(perVm < 1_000, $"{perVm:0} bytes per VM");
    }

    [Fact]
    public void Each_sample_raises_sampled()
    {
        var raised = 0;
        _history.Sampled += () => raised++;
        _history.Record([], SampleTime(0));
        Assert.Equal(1, raised);
    }

    // The sampler samples in the middle of each interval.
    private static DateTimeOffset SampleTime(int interval) => Start + (Interval * interval) + (Interval / 2);

    private static HostInventoryState Connected(string host, params VmSnapshot[] vms) =>
        new(host, new HostStatus(HostConnectionState.Connected, Start), InventoryData.Facts(host), vms, 1, Start);

    private static HostInventoryState Unreachable(string host, params VmSnapshot[] vms) =>
        new(host, new HostStatus(HostConnectionState.Unreachable, Start, "WinRM cannot complete the operation."), InventoryData.Facts(host), vms, 1, Start);
}
