namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// The last <see cref="Capacity"/> readings of one VM or host, one slot per tick of the history's interval (a tick is a
/// whole interval since the Unix epoch). Compact: CPU as one byte (<see cref="NoReading"/> marks a gap) and memory in GiB
/// as a two-byte <see cref="Half"/>, so a point costs three bytes and recording one allocates nothing.
/// Time only moves forward: a tick older than the newest is ignored, the same tick again replaces its reading, and the
/// ticks skipped between two readings become gaps (never zeros). Not thread-safe: <see cref="MetricHistory"/> guards it.
/// </summary>
public sealed class MetricRing
{
    /// <summary>The CPU value of a slot without a reading: the host did not answer, or nothing was recorded then.</summary>
    public const byte NoReading = byte.MaxValue;

    private const double BytesPerGiB = 1L << 30;

    private readonly byte[] _cpu;
    private readonly Half[] _memoryGiB;

    /// <summary>An empty ring of <paramref name="capacity"/> slots.</summary>
    public MetricRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _cpu = new byte[capacity];
        Array.Fill(_cpu, NoReading);
        _memoryGiB = new Half[capacity];
    }

    /// <summary>How many ticks the ring holds.</summary>
    public int Capacity => _cpu.Length;

    /// <summary>The newest tick written (a reading or a gap); -1 before the first.</summary>
    public long NewestTick { get; private set; } = -1;

    /// <summary>The last sample that saw this VM or host (set by <see cref="MetricHistory"/> to drop the ones gone).</summary>
    internal long SeenAt { get; set; }

    /// <summary>Records a reading at <paramref name="tick"/>: CPU 0-100 (clamped) and the memory assigned, in bytes.</summary>
    public void Record(long tick, int cpuPercent, long memoryBytes) =>
        Write(tick, (byte)Math.Clamp(cpuPercent, 0, 100), (Half)(Math.Max(0, memoryBytes) / BytesPerGiB));

    /// <summary>Records that there was no reading at <paramref name="tick"/> (the host was not connected).</summary>
    public void RecordGap(long tick) => Write(tick, NoReading, default);

    /// <summary>The reading at <paramref name="tick"/>, or null for a gap, a tick not yet recorded or one that fell out of the ring.</summary>
    public MetricReading? At(long tick)
    {
        if (tick > NewestTick || tick <= NewestTick - Capacity || tick < 0)
        {
            return null;
        }

        var slot = Slot(tick);
        var cpu = _cpu[slot];
        return cpu == NoReading ? null : new MetricReading(cpu, (double)_memoryGiB[slot]);
    }

    private void Write(long tick, byte cpu, Half memory)
    {
        if (tick < 0 || tick < NewestTick)
        {
            return;
        }

        // The ticks nobody recorded since the newest are gaps; at most one lap of the ring needs marking.
        if (NewestTick >= 0)
        {
            for (var skipped = Math.Max(NewestTick + 1, tick - Capacity + 1); skipped < tick; skipped++)
            {
                _cpu[Slot(skipped)] = NoReading;
            }
        }

        var slot = Slot(tick);
        _cpu[slot] = cpu;
        _memoryGiB[slot] = memory;
        NewestTick = tick;
    }

    private int Slot(long tick) => (int)(tick % Capacity);
}

/// <summary>One point of a chart.</summary>
/// <param name="CpuPercent">CPU usage, 0-100.</param>
/// <param name="MemoryGiB">Memory assigned, in GiB (about three significant digits).</param>
public readonly record struct MetricReading(int CpuPercent, double MemoryGiB);
