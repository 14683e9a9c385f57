using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// The streaming scenario's inventory: K hosts × V VMs built as records (no simulator round trips),
/// the same in the server process and in the baseline's computation.
/// </summary>
internal sealed class StreamingLab
{
    /// <summary>
    /// Changed VMs carry the moment of their change in <see cref="VmSnapshot.MemoryAssignedBytes"/>
    /// (DateTime.UtcNow.Ticks; both processes read the same machine clock). Real memory sizes are
    /// far below this floor, so a client tells a stamped VM from an unchanged one.
    /// </summary>
    public static readonly long StampFloor = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly HostFacts[] _facts;
    private readonly VmSnapshot[][] _vms;
    private readonly Random _random = new(42);

    public StreamingLab(int hostCount, int vmsPerHost)
    {
        _facts = new HostFacts[hostCount];
        _vms = new VmSnapshot[hostCount][];
        for (var h = 0; h < hostCount; h++)
        {
            var name = $"hv-{h + 1:000}";
            _facts[h] = new HostFacts(
                name, "Microsoft Windows Server 2025 Datacenter", "10.0.26100", 26100, true, ProcessorVendor.Intel, "GenuineIntel",
                "Intel(R) Xeon(R) Platinum 8480+", 112, 1L << 40, true, [new Version(9, 0), new Version(10, 0), new Version(12, 0)], new Version(12, 0), false, null);
            _vms[h] = new VmSnapshot[vmsPerHost];
            for (var v = 0; v < vmsPerHost; v++)
            {
                var id = new Guid(h, (short)(v >> 16), (short)v, 0, 0, 0, 0, 0, 0, 0, 1);
                _vms[h][v] = new VmSnapshot(
                    id, $"{name}-vm-{v + 1:00}", VmState.Running, TimeSpan.FromHours(v + 1), v % 40, 8L << 30, true, 4L << 30, new Version(12, 0), 2, 4,
                    v % 3 == 0, v % 4 == 0, [new VmNetworkAdapterInfo("Network Adapter", "Lab", $"00155D{h:X2}{v:X4}", v % 3 == 0)],
                    "Windows Server 2025 Datacenter", "10.0.26100");
            }
        }
    }

    public int HostCount => _facts.Length;

    /// <summary>A store holding every host, connected, with its VMs.</summary>
    public InventoryStore CreateStore(InventoryFeedOptions? options = null)
    {
        var store = new InventoryStore(options);
        for (var h = 0; h < _facts.Length; h++)
        {
            store.SetHostStatus(_facts[h].Name, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow));
            store.ApplyInventory(_facts[h].Name, new HostInventory(_facts[h], _vms[h], DateTimeOffset.UtcNow));
        }

        return store;
    }

    /// <summary>One state change: a random VM's CPU moves, stamped with now; the host reports its whole list, as a monitor poll would.</summary>
    public void ChangeOne(InventoryStore store)
    {
#pragma warning disable CA5394 // a seeded, reproducible choice of VM, not security
        var h = _random.Next(_facts.Length);
        var v = _random.Next(_vms[h].Length);
#pragma warning restore CA5394
        var vm = _vms[h][v];
        _vms[h][v] = vm with { CpuUsagePercent = (vm.CpuUsagePercent + 7) % 101, MemoryAssignedBytes = DateTime.UtcNow.Ticks };
        store.ApplyInventory(_facts[h].Name, new HostInventory(_facts[h], _vms[h], DateTimeOffset.UtcNow));
    }
}
