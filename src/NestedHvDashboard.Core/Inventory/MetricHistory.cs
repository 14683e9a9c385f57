using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// CPU and memory over the last hour for every VM and host, in memory and bounded: a <see cref="MetricRing"/> per VM and
/// per host with a fixed number of points. <see cref="Record"/> takes one sample of the live inventory (called once per
/// interval): per VM one dictionary look-up and one slot written, no allocation once the VM has its ring; VMs and hosts
/// that are gone from the inventory lose their history at that sample.
/// A host's own CPU and memory are not read from the host: its point is the average CPU of its running VMs (what its
/// overview tile shows) and the memory assigned to all its VMs. A host that is not connected gets a gap, and so do its VMs.
/// Thread-safe: one lock, held for a sample or a read.
/// </summary>
public sealed class MetricHistory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, MetricRing> _vms = [];
    private readonly Dictionary<string, MetricRing> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly long _intervalMs;
    private long _samples;

    /// <summary>An empty history with the options' interval and window.</summary>
    public MetricHistory(MetricHistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Interval, TimeSpan.FromMilliseconds(1));
        Interval = options.Interval;
        Capacity = options.Capacity;
        _intervalMs = (long)options.Interval.TotalMilliseconds;
    }

    /// <summary>Raised after each sample (on the sampler's thread; keep it short, e.g. schedule a render).</summary>
    public event Action? Sampled;

    /// <summary>The time between two points.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The points kept per VM and host.</summary>
    public int Capacity { get; }

    /// <summary>How many VMs have a history now.</summary>
    public int VmCount
    {
        get
        {
            lock (_gate)
            {
                return _vms.Count;
            }
        }
    }

    /// <summary>How many hosts have a history now.</summary>
    public int HostCount
    {
        get
        {
            lock (_gate)
            {
                return _hosts.Count;
            }
        }
    }

    /// <summary>The interval <paramref name="time"/> falls in (whole intervals since the Unix epoch).</summary>
    public long TickOf(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / _intervalMs;

    /// <summary>When the interval <paramref name="tick"/> starts.</summary>
    public DateTimeOffset TimeOf(long tick) => DateTimeOffset.FromUnixTimeMilliseconds(tick * _intervalMs);

    /// <summary>When the sampler takes its next sample after <paramref name="now"/>: the middle of an interval, so a late timer never skips one.</summary>
    public DateTimeOffset NextSampleAfter(DateTimeOffset now)
    {
        var middle = TimeOf(TickOf(now)) + (Interval / 2);
        return middle > now ? middle : middle + Interval;
    }

    /// <summary>Records one sample of every host and VM at <paramref name="now"/>, then drops the history of what is gone.</summary>
    public void Record(IReadOnlyList<HostInventoryState> hosts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var tick = TickOf(now);
        lock (_gate)
        {
            var sample = ++_samples;
            var vmsSeen = 0;
            foreach (var host in hosts)
            {
                var connected = host.Status.State == HostConnectionState.Connected;
                int running = 0, cpuSum = 0;
                long memory = 0;
                foreach (var vm in host.Vms)
                {
                    var ring = Ring(_vms, vm.Id, sample);
                    vmsSeen++;
                    if (!connected)
                    {
                        ring.RecordGap(tick);
                        continue;
                    }

                    ring.Record(tick, vm.CpuUsagePercent, vm.MemoryAssignedBytes);
                    memory += vm.MemoryAssignedBytes;
                    if (vm.State == VmState.Running)
                    {
                        running++;
                        cpuSum += vm.CpuUsagePercent;
                    }
                }

                var hostRing = Ring(_hosts, host.Name, sample);
                if (connected)
                {
                    hostRing.Record(tick, running == 0 ? 0 : (int)Math.Round(cpuSum / (double)running), memory);
                }
                else
                {
                    hostRing.RecordGap(tick);
                }
            }

            // Only when something is gone: a sweep is O(VMs), the common sample is not.
            if (_vms.Count > vmsSeen)
            {
                DropUnseen(_vms, sample);
            }

            if (_hosts.Count > hosts.Count)
            {
                DropUnseen(_hosts, sample);
            }
        }

        Sampled?.Invoke();
    }

    /// <summary>The VM's readings over the window up to <paramref name="now"/>, or null when it has no history.</summary>
    public MetricSeries? ForVm(Guid vmId, DateTimeOffset now)
    {
        lock (_gate)
        {
            return _vms.TryGetValue(vmId, out var ring) ? Series(ring, now) : null;
        }
    }

    /// <summary>The host's readings (its running VMs' average CPU, its VMs' memory) over the window up to <paramref name="now"/>, or null.</summary>
    public MetricSeries? ForHost(string host, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (_gate)
        {
            return _hosts.TryGetValue(host, out var ring) ? Series(ring, now) : null;
        }
    }

    private MetricRing Ring<TKey>(Dictionary<TKey, MetricRing> rings, TKey key, long sample)
        where TKey : notnull
    {
        if (!rings.TryGetValue(key, out var ring))
        {
            ring = new MetricRing(Capacity);
            rings[key] = ring;
        }

        ring.SeenAt = sample;
        return ring;
    }

    private static void DropUnseen<TKey>(Dictionary<TKey, MetricRing> rings, long sample)
        where TKey : notnull
    {
        foreach (var (key, ring) in rings)
        {
            if (ring.SeenAt != sample)
            {
                rings.Remove(key);
            }
        }
    }

    // The window ends at the newest interval already sampled (samples come in the middle of an interval).
    private MetricSeries Series(MetricRing ring, DateTimeOffset now)
    {
        var end = TickOf(now - (Interval / 2));
        var points = new MetricReading?[Capacity];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = ring.At(end - (Capacity - 1 - i));
        }

        return new MetricSeries(TimeOf(end), Interval, points);
    }
}
