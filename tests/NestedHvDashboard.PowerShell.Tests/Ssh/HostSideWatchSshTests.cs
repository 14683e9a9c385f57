using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.PowerShell.Tests.Ssh;

/// <summary>The host-side watch over real SSH remoting: the pipeline runs in the remote pwsh.</summary>
[Collection(SshLabCollection.Name)]
public sealed class HostSideWatchSshTests(SshLabFixture lab)
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Watches_a_remote_host_and_reflects_a_change_made_meanwhile()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var host = (PowerShellHyperVHost)HyperVHostFactory.Create(lab.Beta.Settings(SshLabFixture.Timeout));
        var vmId = lab.Beta.ReadState().FindVm("db02")!.Id;
        var watch = new HostSideInventoryWatch(Interval);
        await using var inventories = watch.WatchAsync(new MonitoredHost(host, SshLabFixture.Timeout), bound.Token).GetAsyncEnumerator(bound.Token);

        Assert.True(await inventories.MoveNextAsync());
        var first = inventories.Current;
        Assert.Equal("SSH-BETA", first.Facts.Name);
        Assert.Equal(ProcessorVendor.Amd, first.Facts.ProcessorVendor);
        Assert.Equal(
            lab.Beta.ReadState().Vms.Select(vm => (vm.Id, vm.Name)).Order(),
            first.Vms.Select(vm => (vm.Id, vm.Name)).Order());
        Assert.False(first.Vms.Single(vm => vm.Id == vmId).ExposeVirtualizationExtensions);

        try
        {
            // Through the same session, on its second runspace: the watch holds the first.
            await host.SetNestedVirtualizationAsync(vmId, enabled: true, bound.Token);

            HostInventory next;
            do
            {
                Assert.True(await inventories.MoveNextAsync());
                next = inventories.Current;
            }
            while (!next.Vms.Single(vm => vm.Id == vmId).ExposeVirtualizationExtensions);

            Assert.Equal(first.Vms.Count, next.Vms.Count);
            Assert.True(next.Vms.Single(vm => vm.Name == "db01").ExposeVirtualizationExtensions);
        }
        finally
        {
            await host.SetNestedVirtualizationAsync(vmId, enabled: false, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_frozen_host_ends_the_watch_with_Timeout()
    {
        await using var frozen = await SshTestHost.StartAsync("SSH-FROZEN-WATCH", SshLabFixture.IntelHost("SSH-FROZEN-WATCH"));
        var timeout = TimeSpan.FromSeconds(10);
        await using var host = HyperVHostFactory.Create(frozen.Settings(timeout));
        var watch = new HostSideInventoryWatch(Interval);
        var inventories = watch.WatchAsync(new MonitoredHost(host, timeout), CancellationToken.None).GetAsyncEnumerator();
        try
        {
            Assert.True(await inventories.MoveNextAsync());
            Assert.Equal("SSH-FROZEN-WATCH", inventories.Current.Facts.Name);

            frozen.Freeze();
            var drained = DrainAsync(inventories);

            Assert.Same(drained, await Task.WhenAny(drained, Task.Delay(Interval + timeout + Slack)));
            var error = await Assert.ThrowsAsync<HostOperationException>(() => drained);
            Assert.Equal(HostErrorKind.Timeout, error.Kind);
            Assert.Equal("SSH-FROZEN-WATCH", error.HostName);
        }
        finally
        {
            // Disposing stops nothing it would wait for: the pipeline was abandoned with its connection.
            var disposed = inventories.DisposeAsync().AsTask();
            Assert.Same(disposed, await Task.WhenAny(disposed, Task.Delay(Slack)));
        }
    }

    private static async Task DrainAsync(IAsyncEnumerator<HostInventory> inventories)
    {
        // Inventories already received before the freeze may still come; then the watch must end.
        while (await inventories.MoveNextAsync())
        {
        }
    }
}
