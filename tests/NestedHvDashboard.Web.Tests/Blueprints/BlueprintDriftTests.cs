using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Data;
using NestedHvDashboard.Web.Tests.Overview;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>
/// Drift: the lab compared with every blueprint whose last run succeeded, from the inventory and from inside the guests with
/// their remembered credentials; each difference dated from when it was first seen, and cleared when fixed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class BlueprintDriftTests : IAsyncLifetime
{
    private const string Host = "HV-A";
    private static readonly GuestCredential Admin = new("lab\\admin", "Guest-pass-1");

    private static readonly Blueprint Lab = new("lab", null,
    [
        new BlueprintL1("lab-nat", Host, 4, 16L << 30, null, null, "External", new BlueprintNetwork(BlueprintNetworking.Nat, "VmNAT", "192.168.100.0/24", "192.168.100.1", null),
            [new BlueprintL2("web", 2, 2L << 30, null, "192.168.100.10", null), new BlueprintL2("sql", 2, 2L << 30, null, null, null)]),
        new BlueprintL1("lab-ext", Host, 4, 16L << 30, null, null, "External", new BlueprintNetwork(BlueprintNetworking.ExternalSwitch, "L1 External", null, null, null), []),
    ]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly InventoryStore _feed = new();
    private readonly GuestLabHost _host = new(Host);
    private readonly FakeBlueprintRunner _runner = new();
    private readonly string _keys = Directory.CreateTempSubdirectory("nestedhv-keys-").FullName;
    private readonly VmSnapshot _nat = TileData.Ready("lab-nat", VmState.Running, nested: true);
    private readonly VmSnapshot _ext = TileData.Ready("lab-ext", VmState.Running, nested: true) with { NetworkAdapters = [new VmNetworkAdapterInfo("Network Adapter", "External", "00155D000002", true)] };
    private SqliteTestDatabase _database = null!;
    private DatabaseBlueprintStore _store = null!;
    private GuestCredentialStore _credentials = null!;
    private BlueprintDriftMonitor _monitor = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteTestDatabase();
        _store = new DatabaseBlueprintStore(_database.Factory, _database.Settings, NullLogger<DatabaseBlueprintStore>.Instance, _time);
        _credentials = TestStores.GuestCredentials(_database, _keys);
        _monitor = new BlueprintDriftMonitor(_store, _runner, _feed, new BlueprintGuestDrift(_host, _credentials),
            Options.Create(new BlueprintDriftOptions { GuestInterval = TimeSpan.FromSeconds(60) }), _time, NullLogger<BlueprintDriftMonitor>.Instance);
        await _store.SaveAsync(Lab, "olivia");
        _runner.Set("lab", BlueprintRunState.Succeeded);
        _monitor.Refresh();
        Lab_has(_nat, _ext);
        _host.Switches.Add("VmNAT");
        _host.NatPrefixes.Add("192.168.100.0/24");
        _host.ExternalSwitches.Add("L1 External");
        _host.L2s.AddRange(["web", "sql"]);
        _host.Addresses["web"] = "192.168.100.10";
    }

    public async Task DisposeAsync()
    {
        _monitor.Dispose();
        _credentials.Dispose();
        _store.Dispose();
        await _database.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    private void Lab_has(params VmSnapshot[] vms)
    {
        _feed.SetHostStatus(Host, new HostStatus(HostConnectionState.Connected, _time.GetUtcNow()));
        _feed.ApplyInventory(Host, new HostInventory(TileData.Intel2022(Host), vms, _time.GetUtcNow()));
    }

    [Fact]
    public async Task The_inventory_shows_an_L1_gone_nested_off_and_spoofing_off_dated_from_first_seen_and_cleared_when_fixed()
    {
        await _monitor.CheckInventoryAsync();
        Assert.Empty(_monitor.All());

        var firstSeen = _time.GetUtcNow();
        Lab_has(_ext with { ExposeVirtualizationExtensions = false, NetworkAdapters = [_ext.NetworkAdapters[0] with { MacAddressSpoofing = false }] });
        await _monitor.CheckInventoryAsync();
        _time.Advance(TimeSpan.FromMinutes(3));
        await _monitor.CheckInventoryAsync();

        var drift = _monitor.Drift("LAB");
        Assert.Equal([BlueprintDriftKind.L1Missing, BlueprintDriftKind.NestedOff, BlueprintDriftKind.MacSpoofingOff], drift.Select(d => d.Kind).Order());
        Assert.All(drift, d => Assert.Equal(firstSeen, d.Since));
        Assert.Contains(drift, d => d is { Kind: BlueprintDriftKind.L1Missing, L1: "lab-nat" } && d.Message.Contains("gone from host 'HV-A'", StringComparison.Ordinal));
        Assert.Contains(drift, d => d is { Kind: BlueprintDriftKind.MacSpoofingOff } && d.Message.Contains("'Network Adapter'", StringComparison.Ordinal));

        Lab_has(_nat, _ext);
        await _monitor.CheckInventoryAsync();
        Assert.Empty(_monitor.All());
    }

    [Fact]
    public async Task A_blueprint_not_applied_or_a_host_not_connected_shows_no_new_drift()
    {
        Lab_has();
        _runner.Set("lab", BlueprintRunState.Failed);
        await _monitor.CheckInventoryAsync();
        Assert.Empty(_monitor.All());

        _runner.Set("lab", BlueprintRunState.Succeeded);
        _monitor.Refresh();
        await _monitor.CheckInventoryAsync();
        Assert.Equal(2, _monitor.All().Count);

        // Unreachable: the VMs as last read may be stale, so drift stays as it was, neither cleared nor added.
        _feed.SetHostStatus(Host, new HostStatus(HostConnectionState.Unreachable, _time.GetUtcNow(), "WinRM timed out"));
        await _monitor.CheckInventoryAsync();
        Assert.Equal(2, _monitor.All().Count);
    }

    [Fact]
    public async Task Without_a_remembered_credential_the_guests_are_not_checked_and_say_so()
    {
        await _monitor.CheckGuestsAsync();

        Assert.Empty(_monitor.All());
        Assert.Equal(0, _host.Reads);
        var checks = _monitor.Checks("lab");
        Assert.Equal(2, checks.Count);
        Assert.All(checks, c => Assert.StartsWith("not checked: no remembered credential for L1", c.NotChecked, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inside_the_guests_a_NAT_gone_an_L2_gone_an_address_changed_and_the_external_switch_gone_show_and_clear()
    {
        await _credentials.RememberAsync(Host, _nat.Id, Admin);
        await _credentials.RememberAsync(Host, _ext.Id, Admin);
        await _monitor.CheckGuestsAsync();
        Assert.Empty(_monitor.All());
        Assert.All(_monitor.Checks("lab"), c => Assert.Equal((_time.GetUtcNow(), (string?)null), (c.CheckedAt!.Value, c.NotChecked)));
        Assert.Equal(Admin, _host.LastCredential);

        _host.NatPrefixes.Clear();
        _host.L2s.Remove("sql");
        _host.Addresses["web"] = "192.168.100.50";
        _host.ExternalSwitches.Clear();
        await _monitor.CheckGuestsAsync();

        var drift = _monitor.Drift("lab");
        Assert.Contains(drift, d => d is { Kind: BlueprintDriftKind.NetworkMissing, L1: "lab-nat" } && d.Message.Contains("NAT network 192.168.100.0/24", StringComparison.Ordinal));
        Assert.Contains(drift, d => d is { Kind: BlueprintDriftKind.NetworkMissing, L1: "lab-ext" } && d.Message.Contains("'L1 External'", StringComparison.Ordinal));
        Assert.Contains(drift, d => d is { Kind: BlueprintDriftKind.L2Missing, L2: "sql" });
        Assert.Contains(drift, d => d is { Kind: BlueprintDriftKind.AddressChanged, L2: "web" } && d.Message.Contains("192.168.100.50/24 instead of 192.168.100.10", StringComparison.Ordinal));

        // A guest that cannot be read keeps what it had: its state is not known.
        _host.Refuse = "The user name or password is incorrect.";
        await _monitor.CheckGuestsAsync();
        Assert.Equal(4, _monitor.Drift("lab").Count);
        Assert.All(_monitor.Checks("lab"), c => Assert.Contains("The user name or password is incorrect.", c.NotChecked, StringComparison.Ordinal));

        _host.Refuse = null;
        _host.NatPrefixes.Add("192.168.100.0/24");
        _host.L2s.Add("sql");
        _host.Addresses["web"] = "192.168.100.10";
        _host.ExternalSwitches.Add("L1 External");
        await _monitor.CheckGuestsAsync();
        Assert.Empty(_monitor.All());
    }

    [Fact]
    public async Task Running_it_reads_the_guests_at_the_slow_cadence_and_raises_Changed()
    {
        await _credentials.RememberAsync(Host, _nat.Id, Admin);
        var firstRound = new TaskCompletionSource();
        _monitor.GuestsChecked += () => firstRound.TrySetResult();
        var changed = new TaskCompletionSource();
        _monitor.Changed += () => changed.TrySetResult();

        await _monitor.StartAsync(CancellationToken.None);
        await firstRound.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(_monitor.All());
        _host.L2s.Remove("sql");
        var reads = _host.Reads;

        _time.Advance(TimeSpan.FromSeconds(60));
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _monitor.StopAsync(CancellationToken.None);

        Assert.True(_host.Reads > reads);
        Assert.Contains(_monitor.All(), d => d is { Kind: BlueprintDriftKind.L2Missing, L2: "sql" });
    }
}
