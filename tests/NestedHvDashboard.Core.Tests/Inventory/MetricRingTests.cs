using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Core.Tests.Inventory;

public sealed class MetricRingTests
{
    [Fact]
    public void A_ring_keeps_only_its_capacity_of_the_newest_ticks()
    {
        var ring = new MetricRing(4);
        for (var tick = 100; tick < 110; tick++)
        {
            ring.Record(tick, tick - 100, 1L << 30);
        }

        Assert.Equal(109, ring.NewestTick);
        Assert.Equal([6, 7, 8, 9], Enumerable.Range(106, 4).Select(t => ring.At(t)!.Value.CpuPercent));
        // What fell out of the ring, and what has not happened yet, has no reading.
        Assert.Null(ring.At(105));
        Assert.Null(ring.At(110));
    }

    [Fact]
    public void Ticks_skipped_between_two_readings_are_gaps_not_zeros_even_where_an_old_reading_lay()
    {
        var ring = new MetricRing(5);
        for (var tick = 0; tick < 5; tick++)
        {
            ring.Record(tick, 50, 2L << 30);
        }

        ring.Record(8, 20, 2L << 30);

        Assert.Equal(50, ring.At(4)!.Value.CpuPercent);
        Assert.Null(ring.At(5));
        Assert.Null(ring.At(6));
        Assert.Null(ring.At(7));
        Assert.Equal(20, ring.At(8)!.Value.CpuPercent);
    }

    [Fact]
    public void A_gap_recorded_for_an_unreachable_host_reads_as_no_reading()
    {
        var ring = new MetricRing(3);
        ring.Record(1, 0, 0);
        ring.RecordGap(2);
        ring.Record(3, 0, 0);

        Assert.Equal(new MetricReading(0, 0), ring.At(1));
        Assert.Null(ring.At(2));
        Assert.Equal(new MetricReading(0, 0), ring.At(3));
    }

    [Fact]
    public void Time_only_moves_forward_the_same_tick_replaces_and_an_older_one_is_ignored()
    {
        var ring = new MetricRing(4);
        ring.Record(10, 30, 1L << 30);
        ring.Record(10, 35, 1L << 30);
        ring.Record(9, 99, 1L << 30);

        Assert.Equal(35, ring.At(10)!.Value.CpuPercent);
        Assert.Null(ring.At(9));
        Assert.Equal(10, ring.NewestTick);
    }

    [Fact]
    public void Values_are_stored_compactly_cpu_clamped_memory_to_three_digits()
    {
        var ring = new MetricRing(2);
        ring.Record(1, 140, (long)(3.7 * (1L << 30)));
        ring.Record(2, -5, 512L << 20);

        Assert.Equal(100, ring.At(1)!.Value.CpuPercent);
        Assert.Equal(3.7, ring.At(1)!.Value.MemoryGiB, 0.01);
        Assert.Equal(0, ring.At(2)!.Value.CpuPercent);
        Assert.Equal(0.5, ring.At(2)!.Value.MemoryGiB);
    }

    [Fact]
    public void Recording_allocates_nothing()
    {
        var ring = new MetricRing(240);
        ring.Record(0, 1, 1L << 30);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var tick = 1; tick < 1000; tick++)
        {
            ring.Record(tick, tick % 100, (long)tick << 20);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
