using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Operations;

public sealed class PendingChangeApplierTests : IDisposable
{
    private const string HostName = "hv-a";
    private static readonly Guid VmId = Guid.Parse("9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d");

    private static readonly HostFacts Facts = new(
        HostName, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    private readonly TestDatabase _db = TestDatabase.Create();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_pending_change_runs_once_the_feed_shows_the_vm_off_and_not_before()
    {
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
        var running = Vm(VmState.Running);
        var host = new FakeHyperVHost(HostName, Facts, running);
        var pending = new PendingNestedChanges();
        await pending.AddAsync(new PendingNestedChange(HostName, VmId, running.Name, Enable: true, EnableMacAddressSpoofing: true, DateTimeOffset.UtcNow));
        store.ApplyInventory(HostName, new HostInventory(Facts, [running], DateTimeOffset.UtcNow));
        using var applier = new PendingChangeApplier(store, new Lookup(host), new NestedVirtualizationOperations(), pending, _db.Audit, NullLogger<PendingChangeApplier>.Instance);

        await applier.StartAsync(CancellationToken.None);
        try
        {
            // The guest shuts itself down: the host and then the feed see it Off.
            var off = await host.StopVmAsync(VmId, StopMode.ShutDown);
            store.ApplyInventory(HostName, new HostInventory(Facts, [off], DateTimeOffset.UtcNow));

            await Eventually.HoldsAsync(() => pending.Find(HostName, VmId) is null);
        }
        finally
        {
            await applier.StopAsync(CancellationToken.None);
        }

        var vm = host.Vm(VmId);
        Assert.True(vm.ExposeVirtualizationExtensions);
        Assert.True(vm.NetworkAdapters.Single().MacAddressSpoofing);
        Assert.Equal(VmState.Off, vm.State);
        // Only the test's own stop; the applier never stops or starts a VM.
        Assert.Equal(["Stop ShutDown", "SetNested True", "SetMacSpoofing True"], host.Calls.Where(c => !c.StartsWith("Get", StringComparison.Ordinal)));

        // The applied change is in the audit trail as one complete entry, by the app itself.
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Enable nested (applied at next shutdown)", "Succeeded", VmId), (entry.Action, entry.Result, entry.VmId));
        Assert.Equal(("system", "System", HostName, "lab-l1"), (entry.Actor, entry.Channel, entry.Host, entry.VmName));
        Assert.NotNull(entry.CompletedAt);
        Assert.Contains("nested off", entry.Before, StringComparison.Ordinal);
        Assert.Contains("nested on", entry.After, StringComparison.Ordinal);
        Assert.Contains("\"enableMacAddressSpoofing\":true", entry.Parameters, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_failed_apply_keeps_the_change_pending()
    {
        var store = new InventoryStore(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
        var off = Vm(VmState.Off);
        var host = new FakeHyperVHost(HostName, Facts, off);
        host.FailNext("SetNested", "The configuration is locked.");
        var pending = new PendingNestedChanges();
        await pending.AddAsync(new PendingNestedChange(HostName, VmId, off.Name, Enable: true, EnableMacAddressSpoofing: false, DateTimeOffset.UtcNow));
        store.ApplyInventory(HostName, new HostInventory(Facts, [off], DateTimeOffset.UtcNow));
        using var applier = new PendingChangeApplier(store, new Lookup(host), new NestedVirtualizationOperations(), pending, _db.Audit, NullLogger<PendingChangeApplier>.Instance);

        await applier.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => host.Calls.Contains("SetNested True"));
            // Stopping the app mid-way would cancel the apply; let it end first.
            await Eventually.HoldsAsync(() => _db.Entries() is [{ CompletedAt: not null }]);
        }
        finally
        {
            await applier.StopAsync(CancellationToken.None);
        }

        Assert.NotNull(pending.Find(HostName, VmId));
        Assert.False(host.Vm(VmId).ExposeVirtualizationExtensions);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("Failed", "system"), (entry.Result, entry.Actor));
        Assert.Contains("The configuration is locked.", entry.HostError, StringComparison.Ordinal);
    }

    private static VmSnapshot Vm(VmState state) => new(
        VmId, "lab-l1", state, TimeSpan.Zero, 0, 8L << 30, false, 8L << 30, new Version(10, 0), 2, 4, false, false,
        [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D010203", false)], null, null);

    private sealed class Lookup(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
