using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Operations;

/// <summary>Every change the VM page's switch makes or defers leaves exactly one complete audit entry, failures and refusals included.</summary>
public sealed class NestedSwitchActivityTests : IDisposable
{
    private const string HostName = "hv-a";
    private static readonly Guid VmId = Guid.Parse("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a");

    private static readonly HostFacts Facts = new(
        HostName, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    private readonly TestDatabase _db = TestDatabase.Create();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_change_that_ran_is_recorded_with_its_outcome()
    {
        var host = new FakeHyperVHost(HostName, Facts, Vm(VmState.Off));
        var service = Service(host);

        var result = await service.RunAsync(TestDatabase.Operator, Vm(VmState.Off), new NestedVirtualizationRequest(HostName, VmId, true, PowerAction.None, false, false), new Progress<OperationStep>());

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal((HostName, "lab-l1", (Guid?)VmId, "Enable nested", "Succeeded"), (entry.Host, entry.VmName, entry.VmId, entry.Action, entry.Result));
        Assert.Equal(("olivia", "Operator", "Browser", "127.0.0.1"), (entry.Actor, entry.Role, entry.Channel, entry.RemoteAddress));
        Assert.NotNull(entry.CompletedAt);
        Assert.Contains("nested off", entry.Before, StringComparison.Ordinal);
        Assert.Contains("nested on", entry.After, StringComparison.Ordinal);
        Assert.Contains("\"enable\":true", entry.Parameters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_change_is_recorded_with_what_the_host_said()
    {
        var host = new FakeHyperVHost(HostName, Facts, Vm(VmState.Off));
        host.FailNext("SetNested", "The operation cannot be performed while the object is in use.");
        var service = Service(host);

        await service.RunAsync(TestDatabase.Operator, Vm(VmState.Off), new NestedVirtualizationRequest(HostName, VmId, true, PowerAction.None, false, false), new Progress<OperationStep>());

        var entry = Assert.Single(_db.Entries());
        Assert.Equal("Failed", entry.Result);
        Assert.NotNull(entry.CompletedAt);
        Assert.Equal("The operation cannot be performed while the object is in use.", entry.HostError);
    }

    [Fact]
    public async Task A_change_for_an_unknown_host_is_refused_and_recorded()
    {
        var service = Service(new FakeHyperVHost(HostName, Facts, Vm(VmState.Off)));

        var result = await service.RunAsync(TestDatabase.Operator, Vm(VmState.Off), new NestedVirtualizationRequest("hv-gone", VmId, false, PowerAction.None, false, false), new Progress<OperationStep>());

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        var entry = Assert.Single(_db.Entries());
        Assert.Equal(("hv-gone", "Disable nested", "Refused"), (entry.Host, entry.Action, entry.Result));
    }

    [Fact]
    public async Task Deferring_and_canceling_a_pending_change_are_both_recorded()
    {
        var service = Service(new FakeHyperVHost(HostName, Facts, Vm(VmState.Running)));

        var deferred = await service.DeferAsync(TestDatabase.Operator, HostName, Vm(VmState.Running), enable: true, false, false);
        Assert.Equal(OperationOutcome.Deferred, deferred.Outcome);
        Assert.NotNull(service.FindPending(HostName, VmId));
        Assert.Equal(OperationOutcome.Succeeded, (await service.CancelPendingAsync(TestDatabase.Operator, HostName, VmId)).Outcome);
        Assert.Equal(OperationOutcome.NoChange, (await service.CancelPendingAsync(TestDatabase.Operator, HostName, VmId)).Outcome);

        var entries = _db.Entries();
        Assert.Equal([("Enable nested at next shutdown", "Deferred"), ("Cancel pending nested change", "Succeeded")], entries.Select(e => (e.Action, e.Result)));
        Assert.All(entries, e => Assert.Equal((VmId, "olivia"), (e.VmId!.Value, e.Actor)));
    }

    [Fact]
    public async Task A_viewer_is_refused_by_the_service_itself_and_the_refusal_is_recorded()
    {
        var host = new FakeHyperVHost(HostName, Facts, Vm(VmState.Off));
        var service = Service(host);

        var result = await service.RunAsync(TestDatabase.Viewer, Vm(VmState.Off), new NestedVirtualizationRequest(HostName, VmId, true, PowerAction.None, false, false), null);
        var deferred = await service.DeferAsync(TestDatabase.Viewer, HostName, Vm(VmState.Off), enable: true, false, false);

        Assert.Equal(OperationOutcome.Denied, result.Outcome);
        Assert.Contains("needs the Operator role", result.Message, StringComparison.Ordinal);
        Assert.Equal(OperationOutcome.Denied, deferred.Outcome);
        Assert.Contains("needs the Operator role", deferred.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Calls, c => c.StartsWith("SetNested", StringComparison.Ordinal));
        Assert.Null(service.FindPending(HostName, VmId));
        var entries = _db.Entries();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(("Denied", "victor", "Viewer"), (e.Result, e.Actor, e.Role)));
        Assert.All(entries, e => Assert.NotNull(e.CompletedAt));
    }

    private NestedSwitchService Service(IHyperVHost host) =>
        new(new Lookup(host), new NestedVirtualizationOperations(), new PendingNestedChanges(), _db.Audit, TimeProvider.System);

    private static VmSnapshot Vm(VmState state) => new(
        VmId, "lab-l1", state, TimeSpan.Zero, 0, 8L << 30, false, 8L << 30, new Version(10, 0), 2, 4, false, false,
        [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D010203", false)], null, null);

    private sealed class Lookup(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
