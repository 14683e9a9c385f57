using NestedHvDashboard.Core.Guests;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Guests;

namespace NestedHvDashboard.Web.Tests.Guests;

/// <summary>The guest facts kept with each VM: per host (any case) and VM, the newest read wins, and each change is announced.</summary>
public sealed class GuestFactsStoreTests
{
    private static readonly Guid VmId = Guid.Parse("6d1c0c0e-4b1a-4f3b-9a47-1f0e3c2d5a01");
    private readonly Clock _time = new(new DateTimeOffset(2026, 12, 5, 7, 0, 0, TimeSpan.Zero));

    private static GuestNetworkState WithNat(params string[] nats) =>
        new([], [.. nats.Select(n => new GuestNat(n, "192.168.0.0/24"))], [])
        {
            Os = new GuestOs("Microsoft Windows Server 2022 Datacenter", "10.0.20348", true, GuestHyperVState.Installed),
            Security = new GuestSecurity(GuestSecurityState.Off, GuestSecurityState.Running, GuestSecurityState.Off, HypervisorLaunchType.Auto),
        };

    [Fact]
    public void A_read_is_kept_with_the_vm_at_its_time_and_found_whatever_the_hosts_case()
    {
        var store = new GuestFactsStore(_time);
        var changed = new List<(string, Guid)>();
        store.Changed += (host, id) => changed.Add((host, id));

        store.Record("HV-A", VmId, WithNat("LocalNAT"));

        var facts = store.Find("hv-a", VmId);
        Assert.NotNull(facts);
        Assert.Equal(["LocalNAT"], facts.NatNames);
        Assert.Equal(_time.GetUtcNow(), facts.ReadAt);
        Assert.Equal(GuestSecurityState.Running, facts.Security.Hvci);
        Assert.Null(store.Find("hv-a", Guid.NewGuid()));
        Assert.Null(store.Find("hv-b", VmId));
        Assert.Equal([("HV-A", VmId)], changed);
    }

    [Fact]
    public void A_newer_read_replaces_the_facts_and_an_older_one_arriving_late_does_not()
    {
        var store = new GuestFactsStore(_time);
        store.Record("hv-a", VmId, WithNat("LocalNAT"));
        var older = GuestFacts.From(WithNat(), _time.GetUtcNow().AddMinutes(-5));
        _time.Advance(TimeSpan.FromMinutes(3));

        store.Record("hv-a", VmId, WithNat());
        Assert.False(store.Find("hv-a", VmId)!.HasNat);

        var kept = store.Record("hv-a", VmId, older);
        Assert.Equal(_time.GetUtcNow(), kept.ReadAt);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Forgetting_a_vm_drops_its_facts()
    {
        var store = new GuestFactsStore(_time);
        store.Record("hv-a", VmId, WithNat("LocalNAT"));

        Assert.True(store.Forget("HV-A", VmId));
        Assert.Null(store.Find("hv-a", VmId));
        Assert.False(store.Forget("hv-a", VmId));
    }

    /// <summary>A clock the test moves.</summary>
    internal sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
