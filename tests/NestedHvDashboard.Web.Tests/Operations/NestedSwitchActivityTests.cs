using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.Tests.Pages;

namespace NestedHvDashboard.Web.Tests.Operations;

/// <summary>Every change the VM page's switch makes or defers leaves one entry in the Activity log, failures included.</summary>
public sealed class NestedSwitchActivityTests
{
    private const string HostName = "hv-a";
    private static readonly Guid VmId = Guid.Parse("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a");

    private static readonly HostFacts Facts = new(
        HostName, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true,
        [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    private readonly ActivityLog _activity = new(TimeProvider.System);

    [Fact]
    public async Task A_change_that_ran_is_recorded_with_its_outcome()
    {
        var host = new FakeHyperVHost(HostName, Facts, Vm(VmState.Off));
        var service = Service(host);

        var result = await service.RunAsync(HostName, Vm(VmState.Off), enable: true, PowerAction.None, false, false, new Progress<OperationStep>());

        Assert.Equal(OperationOutcome.Succeeded, result.Outcome);
        var entry = Assert.Single(_activity.Entries);
        Assert.Equal((HostName, "lab-l1", (Guid?)VmId, "Enable nested", "Succeeded"), (entry.Host, entry.VmName, entry.VmId, entry.Action, entry.Outcome));
    }

    [Fact]
    public async Task A_failed_change_is_recorded_with_what_the_host_said()
    {
        var host = new FakeHyperVHost(HostName, Facts, Vm(VmState.Off));
        host.FailNext("SetNested", "The operation cannot be performed while the object is in use.");
        var service = Service(host);

        await service.RunAsync(HostName, Vm(VmState.Off), enable: true, PowerAction.None, false, false, new Progress<OperationStep>());

        var entry = Assert.Single(_activity.Entries);
        Assert.Equal("Failed", entry.Outcome);
        Assert.Equal("The operation cannot be performed while the object is in use.", entry.HostMessage);
    }

    [Fact]
    public async Task A_change_for_an_unknown_host_is_refused_and_recorded()
    {
        var service = Service(new FakeHyperVHost(HostName, Facts, Vm(VmState.Off)));

        var result = await service.RunAsync("hv-gone", Vm(VmState.Off), enable: false, PowerAction.None, false, false, new Progress<OperationStep>());

        Assert.Equal(OperationOutcome.Refused, result.Outcome);
        var entry = Assert.Single(_activity.Entries);
        Assert.Equal(("hv-gone", "Disable nested", "Refused"), (entry.Host, entry.Action, entry.Outcome));
    }

    [Fact]
    public void Deferring_and_canceling_a_pending_change_are_both_recorded()
    {
        var service = Service(new FakeHyperVHost(HostName, Facts, Vm(VmState.Running)));

        service.Defer(HostName, Vm(VmState.Running), enable: true, false, false);
        Assert.True(service.CancelPending(HostName, VmId));
        Assert.False(service.CancelPending(HostName, VmId));

        Assert.Equal(["Deferred", "Pending canceled"], _activity.Entries.Select(e => e.Outcome).Order(StringComparer.Ordinal));
        Assert.All(_activity.Entries, e => Assert.Equal(("Enable nested", (Guid?)VmId), (e.Action, e.VmId)));
    }

    private NestedSwitchService Service(IHyperVHost host) =>
        new(new Lookup(host), new NestedVirtualizationOperations(), new PendingNestedChanges(), _activity, TimeProvider.System);

    private static VmSnapshot Vm(VmState state) => new(
        VmId, "lab-l1", state, TimeSpan.Zero, 0, 8L << 30, false, 8L << 30, new Version(10, 0), 2, 4, false, false,
        [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D010203", false)], null, null);

    private sealed class Lookup(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
