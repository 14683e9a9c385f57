using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Inventory;

/// <summary>Builders for hosts, VMs and inventories, and a replay of the feed into a model.</summary>
internal static class InventoryData
{
    public static HostFacts Facts(string host) => new(
        host, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel",
        "Intel(R) Xeon(R) Gold 6338", 64, 256L << 30, true, [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    // cpu: a metric, never a change on its own; memory: memory assigned in MB above 4 GB, a real change.
    public static VmSnapshot Vm(Guid id, string name, int cpu = 0, bool spoofing = false, int memory = 0) => new(
        id, name, VmState.Running, TimeSpan.FromHours(1), cpu, (4L << 30) + ((long)memory << 20), false, 4L << 30, new Version(10, 0), 2, 4, true, false,
        [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D010203", spoofing)], "Windows Server 2022", "10.0.20348");

    public static HostInventory Read(string host, params VmSnapshot[] vms) => new(Facts(host), vms, DateTimeOffset.UtcNow);

    /// <summary>What a subscriber knows: its snapshot with every batch applied after it.</summary>
    public sealed class Replica
    {
        private readonly Dictionary<string, (HostStatus Status, HostFacts? Facts, Dictionary<Guid, VmSnapshot> Vms)> _hosts = new(StringComparer.OrdinalIgnoreCase);

        public Replica(InventorySnapshot snapshot) => Reset(snapshot);

        public void Apply(InventoryBatch batch)
        {
            if (batch.Resync is not null)
            {
                Reset(batch.Resync);
                return;
            }

            foreach (var change in batch.Changes)
            {
                if (change.Kind == InventoryChangeKind.HostRemoved)
                {
                    Assert.True(_hosts.Remove(change.Host), $"host {change.Host} removed but unknown");
                    continue;
                }

                if (!_hosts.TryGetValue(change.Host, out var host))
                {
                    host = (change.Status!, null, []);
                }

                switch (change.Kind)
                {
                    case InventoryChangeKind.HostChanged:
                        host = (change.Status!, change.Facts, host.Vms);
                        break;
                    case InventoryChangeKind.VmAdded:
                        Assert.True(host.Vms.TryAdd(change.VmId, change.Vm!), $"VM {change.VmId} added twice");
                        break;
                    case InventoryChangeKind.VmChanged:
                        Assert.True(host.Vms.ContainsKey(change.VmId), $"VM {change.VmId} changed before it was added");
                        host.Vms[change.VmId] = change.Vm!;
                        break;
                    case InventoryChangeKind.VmRemoved:
                        Assert.True(host.Vms.Remove(change.VmId), $"VM {change.VmId} removed but unknown");
                        break;
                }

                _hosts[change.Host] = host;
            }
        }

        /// <summary>Asserts the replica holds what the snapshot holds (status, facts, VMs by value).</summary>
        public void AssertMatches(InventorySnapshot expected)
        {
            Assert.Equal(expected.Hosts.Select(h => h.Name).Order(), _hosts.Keys.Order());
            foreach (var host in expected.Hosts)
            {
                var mine = _hosts[host.Name];
                Assert.Equal(host.Status.State, mine.Status.State);
                Assert.True(host.Facts.SameAs(mine.Facts), $"facts of {host.Name} differ");
                Assert.Equal(host.Vms.Select(v => v.Id).Order(), mine.Vms.Keys.Order());
                Assert.All(host.Vms, vm => Assert.True(vm.SameAs(mine.Vms[vm.Id]), $"VM {vm.Name} on {host.Name} differs"));
            }
        }

        private void Reset(InventorySnapshot snapshot)
        {
            _hosts.Clear();
            foreach (var host in snapshot.Hosts)
            {
                _hosts[host.Name] = (host.Status, host.Facts, host.Vms.ToDictionary(v => v.Id));
            }
        }
    }
}
