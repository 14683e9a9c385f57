using System.Runtime.CompilerServices;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Core.Tests.Inventory;

public sealed class HostSideFirstInventoryWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_supported_host_is_watched_host_side_and_never_polled()
    {
        var host = new MonitoredHost(new FakeHost("hs"), Timeout);
        var hostSide = new FakeHostSideWatch(supports: true, ScriptedStep.Yield("first"), ScriptedStep.Yield("second"));
        var fallback = new RecordingWatch("polled");

        var seen = await ReadAllAsync(new HostSideFirstInventoryWatch(hostSide, fallback).WatchAsync(host, CancellationToken.None));

        Assert.Equal(["first", "second"], seen);
        Assert.Equal(1, hostSide.Calls);
        Assert.Equal(0, fallback.Calls);
    }

    [Fact]
    public async Task An_unsupported_host_is_polled_without_asking_the_host_side_watch()
    {
        var host = new MonitoredHost(new FakeHost("other"), Timeout);
        var hostSide = new FakeHostSideWatch(supports: false, ScriptedStep.Yield("never"));
        var fallback = new RecordingWatch("polled");

        var seen = await ReadAllAsync(new HostSideFirstInventoryWatch(hostSide, fallback).WatchAsync(host, CancellationToken.None));

        Assert.Equal(["polled"], seen);
        Assert.Equal(0, hostSide.Calls);
        Assert.Equal(1, fallback.Calls);
    }

    [Fact]
    public async Task A_host_that_refuses_the_host_side_watch_at_start_is_polled()
    {
        var host = new MonitoredHost(new FakeHost("jea"), Timeout);
        var hostSide = new FakeHostSideWatch(supports: true, ScriptedStep.Fail(HostErrorKind.HostRefused));
        var fallback = new RecordingWatch("polled");

        var seen = await ReadAllAsync(new HostSideFirstInventoryWatch(hostSide, fallback).WatchAsync(host, CancellationToken.None));

        Assert.Equal(["polled"], seen);
        Assert.Equal(1, hostSide.Calls);
        Assert.Equal(1, fallback.Calls);
        Assert.True(hostSide.Disposed);
    }

    [Theory]
    [InlineData(HostErrorKind.Unreachable)]
    [InlineData(HostErrorKind.Timeout)]
    [InlineData(HostErrorKind.AuthenticationFailed)]
    public async Task Other_failures_at_start_reach_the_monitor_unchanged(HostErrorKind kind)
    {
        var host = new MonitoredHost(new FakeHost("down"), Timeout);
        var hostSide = new FakeHostSideWatch(supports: true, ScriptedStep.Fail(kind));
        var fallback = new RecordingWatch("polled");

        var error = await Assert.ThrowsAsync<HostOperationException>(() => ReadAllAsync(new HostSideFirstInventoryWatch(hostSide, fallback).WatchAsync(host, CancellationToken.None)));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(0, fallback.Calls);
    }

    [Fact]
    public async Task A_refusal_after_the_first_inventory_is_a_failure_not_a_fallback()
    {
        var host = new MonitoredHost(new FakeHost("hs"), Timeout);
        var hostSide = new FakeHostSideWatch(supports: true, ScriptedStep.Yield("first"), ScriptedStep.Fail(HostErrorKind.HostRefused));
        var fallback = new RecordingWatch("polled");
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<HostOperationException>(async () =>
        {
            await foreach (var inventory in new HostSideFirstInventoryWatch(hostSide, fallback).WatchAsync(host, CancellationToken.None))
            {
                seen.Add(inventory.Facts.OsCaption);
            }
        });

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.Equal(["first"], seen);
        Assert.Equal(0, fallback.Calls);
        Assert.True(hostSide.Disposed);
    }

    private static async Task<List<string>> ReadAllAsync(IAsyncEnumerable<HostInventory> inventories)
    {
        var seen = new List<string>();
        await foreach (var inventory in inventories)
        {
            seen.Add(inventory.Facts.OsCaption);
        }

        return seen;
    }

    private static HostInventory Labelled(string host, string label) =>
        new(InventoryData.Facts(host) with { OsCaption = label }, [], DateTimeOffset.UtcNow);

    private sealed record ScriptedStep(string? Label, HostErrorKind? Failure)
    {
        public static ScriptedStep Yield(string label) => new(label, null);

        public static ScriptedStep Fail(HostErrorKind kind) => new(null, kind);
    }

    private sealed class FakeHostSideWatch(bool supports, params ScriptedStep[] steps) : IHostSideInventoryWatch
    {
        public int Calls { get; private set; }

        public bool Disposed { get; private set; }

        public bool Supports(MonitoredHost host) => supports;

        public async IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Calls++;
            try
            {
                foreach (var step in steps)
                {
                    await Task.Yield();
                    if (step.Failure is { } kind)
                    {
                        throw new HostOperationException(kind, host.Name, "Watch", "scripted");
                    }

                    yield return Labelled(host.Name, step.Label!);
                }
            }
            finally
            {
                Disposed = true;
            }
        }
    }

    private sealed class RecordingWatch(string label) : IHostInventoryWatch
    {
        public int Calls { get; private set; }

        public async IAsyncEnumerable<HostInventory> WatchAsync(MonitoredHost host, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Calls++;
            await Task.Yield();
            yield return Labelled(host.Name, label);
        }
    }
}
