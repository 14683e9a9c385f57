using System.Collections.Concurrent;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Tests.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Operations;

public sealed class BulkNestedVirtualizationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly NestedVirtualizationOperations _operations = new();

    private static VmSnapshot[] Vms(string prefix, int count, VmState state = VmState.Off) =>
        [.. Enumerable.Range(1, count).Select(i => Lab.Vm(state: state) with { Id = Guid.NewGuid(), Name = $"{prefix}-{i}" })];

    private static BulkTarget[] Targets(string host, IEnumerable<VmSnapshot> vms) => [.. vms.Select(v => new BulkTarget(host, v.Id, v.Name))];

    private BulkNestedVirtualization Bulk(int maxPerHost, params IHyperVHost[] hosts) =>
        new(_operations, name => hosts.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)), maxPerHost);

    [Fact]
    public async Task A_host_never_runs_more_vms_at_once_than_its_limit_and_reaches_it()
    {
        var vms = Vms("vm", 7);
        var host = new CountingHost(new OperationsFakeHost("HV01", Lab.Host(), vms));

        var run = Bulk(2, host).RunAsync(new BulkNestedRequest(Targets("HV01", vms), Enable: true));
        await Eventually.HoldsAsync(() => host.InFlight == 2, Patience);
        host.Open();
        var summary = await run.WaitAsync(Patience);

        Assert.Equal(2, host.MaxInFlight);
        Assert.Equal(7, summary.Counts.Succeeded);
        Assert.All(vms, vm => Assert.True(host.Inner.Vm(vm.Id).ExposeVirtualizationExtensions));
    }

    [Fact]
    public async Task Hosts_run_in_parallel_and_results_stream_before_the_run_ends()
    {
        var slowVms = Vms("slow", 2);
        var fastVms = Vms("fast", 3);
        var slow = new OperationsFakeHost("HV-SLOW", Lab.Host(), slowVms);
        var fast = new OperationsFakeHost("HV-FAST", Lab.Host(), fastVms);
        var held = slow.Hold(HostCall.GetVm);
        var streamed = new ConcurrentQueue<OperationResult>();

        var run = Bulk(1, slow, fast).RunAsync(
            new BulkNestedRequest([.. Targets("HV-SLOW", slowVms), .. Targets("HV-FAST", fastVms)], Enable: true),
            new SyncProgress(streamed.Enqueue));
        await held.Entered.WaitAsync(Patience);
        await Eventually.HoldsAsync(() => streamed.Count == 3, Patience);

        Assert.False(run.IsCompleted);
        Assert.All(streamed, r => Assert.Equal(("HV-FAST", OperationOutcome.Succeeded), (r.HostName, r.Outcome)));
        held.Release();
        var summary = await run.WaitAsync(Patience);
        Assert.Equal(5, streamed.Count);
        Assert.Equal(5, summary.Counts.Succeeded);
        Assert.Equal(summary.Results.Select(r => r.VmId), streamed.Select(r => r.VmId));
    }

    [Fact]
    public async Task A_failing_host_and_an_unknown_host_do_not_stop_the_others_and_the_summary_counts_every_outcome()
    {
        var broken = Vms("broken", 1);
        var good = Vms("good", 2).Append(Lab.Vm(state: VmState.Off) with { Id = Guid.NewGuid(), Name = "already", ExposeVirtualizationExtensions = true }).ToArray();
        var running = Vms("running", 1, VmState.Running);
        var brokenHost = new OperationsFakeHost("HV-BROKEN", Lab.Host(), broken);
        brokenHost.Fail(HostCall.SetNested, "Access denied.");
        var goodHost = new OperationsFakeHost("HV-GOOD", Lab.Host(), [.. good, .. running]);

        var summary = await Bulk(2, brokenHost, goodHost).RunAsync(new BulkNestedRequest(
            [
                .. Targets("HV-BROKEN", broken),
                .. Targets("HV-GOOD", good),
                .. Targets("HV-GOOD", running),
                new BulkTarget("HV-GONE", Guid.NewGuid(), "ghost"),
            ],
            Enable: true)).WaitAsync(Patience);

        Assert.Equal(new BulkCounts(Total: 6, Succeeded: 2, NoChange: 1, Refused: 2, Busy: 0, Failed: 1, Canceled: 0), summary.Counts);
        var failed = Assert.Single(summary.Results, r => r.Outcome == OperationOutcome.Failed);
        Assert.Equal("HV-BROKEN", failed.HostName);
        Assert.Equal("Access denied.", failed.HostMessage);
        var ghost = Assert.Single(summary.Results, r => r.HostName == "HV-GONE");
        Assert.Equal(OperationOutcome.Refused, ghost.Outcome);
        Assert.Contains("no host named 'HV-GONE'", ghost.Message, StringComparison.Ordinal);
        Assert.Equal(VmState.Running, goodHost.Vm(running[0].Id).State);
        Assert.Equal(["HV-BROKEN", "HV-GOOD", "HV-GONE"], summary.Hosts.Select(h => h.Key));
        Assert.Equal(new BulkCounts(4, 2, 1, 1, 0, 0, 0), summary.Hosts.Single(h => h.Key == "HV-GOOD").Value);
    }

    [Fact]
    public async Task Running_vms_are_changed_with_the_chosen_power_action_and_left_running()
    {
        var running = Vms("running", 2, VmState.Running);
        var host = new OperationsFakeHost("HV01", Lab.Host(), running);

        var summary = await Bulk(2, host).RunAsync(new BulkNestedRequest(Targets("HV01", running), Enable: true, PowerAction.TurnOff)).WaitAsync(Patience);

        Assert.Equal(2, summary.Counts.Succeeded);
        Assert.Equal(2, host.Calls.Count(c => c == "Stop TurnOff"));
        Assert.All(running, vm => Assert.Equal((VmState.Running, true), (host.Vm(vm.Id).State, host.Vm(vm.Id).ExposeVirtualizationExtensions)));
    }

    [Fact]
    public async Task Both_companion_fixes_reach_every_vm_that_needs_them_and_only_when_enabling()
    {
        VmNetworkAdapterInfo[] adapter = [new("Network Adapter", "Lab", "00155D000001", false)];
        var dynamic = Vms("dynamic", 2, VmState.Running).Select(v => v with { DynamicMemoryEnabled = true, NetworkAdapters = adapter }).ToArray();
        var fixedMemory = Vms("static", 1).Select(v => v with { NetworkAdapters = adapter }).ToArray();
        var host = new OperationsFakeHost("HV01", Lab.Host(), [.. dynamic, .. fixedMemory]);
        var request = new BulkNestedRequest(Targets("HV01", [.. dynamic, .. fixedMemory]), Enable: true, PowerAction.ShutDown,
            EnableMacAddressSpoofing: true, DisableDynamicMemory: true);

        var summary = await Bulk(2, host).RunAsync(request).WaitAsync(Patience);

        Assert.Equal(3, summary.Counts.Succeeded);
        Assert.Equal(2, host.Calls.Count(c => c == "SetDynamicMemory False"));
        Assert.All(dynamic, vm => Assert.Equal((VmState.Running, true, false), (host.Vm(vm.Id).State, host.Vm(vm.Id).ExposeVirtualizationExtensions, host.Vm(vm.Id).DynamicMemoryEnabled)));
        Assert.All([.. dynamic, .. fixedMemory], vm => Assert.True(host.Vm(vm.Id).NetworkAdapters.Single().MacAddressSpoofing));

        // Disabling ignores both consents: nothing but the nested setting changes.
        var off = await Bulk(2, host).RunAsync(request with { Enable = false }).WaitAsync(Patience);
        Assert.Equal(3, off.Counts.Succeeded);
        Assert.Equal(2, host.Calls.Count(c => c == "SetDynamicMemory False"));
        Assert.DoesNotContain("SetDynamicMemory True", host.Calls);
    }

    [Fact]
    public async Task Canceling_stops_new_vms_from_starting_while_the_running_one_finishes()
    {
        var vms = Vms("vm", 3);
        var host = new OperationsFakeHost("HV01", Lab.Host(), vms);
        var held = host.Hold(HostCall.SetNested);
        using var cancel = new CancellationTokenSource();

        var run = Bulk(1, host).RunAsync(new BulkNestedRequest(Targets("HV01", vms), Enable: true), null, cancellationToken: cancel.Token);
        await held.Entered.WaitAsync(Patience);
        await cancel.CancelAsync();
        held.Release();
        var summary = await run.WaitAsync(Patience);

        Assert.Equal(new BulkCounts(3, 1, 0, 0, 0, 0, 2), summary.Counts);
        Assert.Equal(1, host.Calls.Count(c => c == "SetNested True"));
        var canceled = summary.Results.Where(r => r.Outcome == OperationOutcome.Canceled).ToList();
        Assert.All(canceled, r => Assert.Contains("Not started", r.Message, StringComparison.Ordinal));
        Assert.All(canceled, r => Assert.False(host.Vm(r.VmId).ExposeVirtualizationExtensions));
    }

    [Fact]
    public async Task A_vm_already_changing_is_busy_and_a_vm_named_twice_runs_once()
    {
        var vms = Vms("vm", 2);
        var host = new OperationsFakeHost("HV01", Lab.Host(), vms);
        var held = host.Hold(HostCall.SetNested, vms[0].Id);
        var single = _operations.RunAsync(host, new NestedVirtualizationRequest("HV01", vms[0].Id, true));
        await held.Entered.WaitAsync(Patience);

        var summary = await Bulk(2, host).RunAsync(new BulkNestedRequest(
            [.. Targets("HV01", vms), new BulkTarget("hv01", vms[1].Id, "vm-2")], Enable: true)).WaitAsync(Patience);
        held.Release();
        await single.WaitAsync(Patience);

        Assert.Equal(new BulkCounts(2, 1, 0, 0, 1, 0, 0), summary.Counts);
        Assert.Equal(OperationOutcome.Busy, summary.Results.Single(r => r.VmId == vms[0].Id).Outcome);
    }

    /// <summary>Reports on the calling thread, so the test sees a result the moment the bulk change reports it.</summary>
    private sealed class SyncProgress(Action<OperationResult> report) : IProgress<OperationResult>
    {
        public void Report(OperationResult value) => report(value);
    }

    /// <summary>Counts host calls in flight; every call waits until <see cref="Open"/> so the test can see how many run at once.</summary>
    private sealed class CountingHost(OperationsFakeHost inner) : IHyperVHost
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _max;

        public OperationsFakeHost Inner => inner;

        public string Name => inner.Name;

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MaxInFlight => Volatile.Read(ref _max);

        public void Open() => _open.TrySetResult();

        public Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default) => Count(() => inner.GetHostFactsAsync(cancellationToken));

        public Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default) => Count(() => inner.GetInventoryAsync(cancellationToken));

        public Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Count(() => inner.GetVmAsync(vmId, cancellationToken));

        public Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) =>
            Count(() => inner.SetNestedVirtualizationAsync(vmId, enabled, cancellationToken));

        public Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Count(() => inner.StartVmAsync(vmId, cancellationToken));

        public Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default) => Count(() => inner.StopVmAsync(vmId, mode, cancellationToken));

        public Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default) =>
            Count(() => inner.SetMacAddressSpoofingAsync(vmId, adapterName, enabled, cancellationToken));

        public Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) =>
            Count(() => inner.SetDynamicMemoryAsync(vmId, enabled, cancellationToken));

        public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Count(() => inner.SuspendVmAsync(vmId, cancellationToken));

        public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Count(() => inner.ResumeVmAsync(vmId, cancellationToken));

        public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => Count(() => inner.RestartVmAsync(vmId, cancellationToken));

        public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) => Count(() => inner.RemoveSavedStateAsync(vmId, cancellationToken));

        public Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default) => Count(() => inner.UpdateVmVersionAsync(vmId, cancellationToken));

        public Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default) =>
            Count(() => inner.SetStartupMemoryAsync(vmId, startupBytes, cancellationToken));

        public Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default) => Count(() => inner.SetProcessorCountAsync(vmId, count, cancellationToken));

        public Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.GetCheckpointsAsync(vmId, cancellationToken);

        public Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default) => inner.CreateCheckpointAsync(vmId, name, cancellationToken);

        public Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default) => inner.ApplyCheckpointAsync(vmId, checkpointId, cancellationToken);

        public Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default) =>
            inner.RemoveCheckpointAsync(vmId, checkpointId, includeChildren, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private async Task<T> Count<T>(Func<Task<T>> call)
        {
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }

            try
            {
                // Yield so calls from different VMs overlap even after the gate opens.
                await _open.Task;
                await Task.Yield();
                return await call();
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}
