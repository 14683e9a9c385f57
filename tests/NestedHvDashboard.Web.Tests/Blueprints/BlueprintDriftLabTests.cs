using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>
/// Drift on the in-process simulated lab through the real engine: the state a succeeded NAT blueprint leaves (an L1 whose guest
/// runs Hyper-V with the VmNAT switch, its NAT and gateway address, one L2 with its address), read from the inventory and from
/// inside the guest with the L1's remembered lab account; the NAT and the L2 removed inside the guest show as drift naming the
/// L1, and the NAT put back clears its drift.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class BlueprintDriftLabTests : IAsyncLifetime
{
    private const string HostName = "HV-DRIFT-01";
    private const string NatPrefix = "192.168.100.0/24";
    private static readonly GuestCredential Lab = new(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword);

    private static readonly Blueprint NatLab = new("nat-lab", "one L1, one L2 behind its NAT", [
        new BlueprintL1("lab-a", HostName, 4, 8L << 30, null, SimulatedImages.WindowsServer2022, "External",
            new BlueprintNetwork(BlueprintNetworking.Nat, "VmNAT", NatPrefix, "192.168.100.1", null),
            [new BlueprintL2("lab-a-web", 2, 2L << 30, SimulatedImages.WindowsServer2022, "192.168.100.10", null)]),
    ]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly string _keys = Directory.CreateTempSubdirectory("nestedhv-keys-").FullName;
    private readonly SimulatedLab _lab = new();
    private readonly SimulatedHost _simulated;
    private readonly SimulatedHost _guest;
    private readonly InventoryStore _inventory = new();
    private readonly InMemoryBlueprintStore _store = new();
    private PowerShellHyperVHost _engine = null!;
    private SqliteTestDatabase _database = null!;
    private GuestCredentialStore _credentials = null!;
    private BlueprintDriftMonitor _monitor = null!;

    public BlueprintDriftLabTests()
    {
        _simulated = new SimulatedHost(HostName, new HostProfile
        {
            OsCaption = "Microsoft Windows Server 2022 Datacenter",
            OsVersion = "10.0.20348",
            OsBuild = 20348,
            ProductType = 3,
            ProcessorManufacturer = "GenuineIntel",
            ProcessorName = "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
            LogicalProcessors = 16,
            MemoryBytes = 128L << 30,
        })
        { Timing = SimulationTiming.Fast() };
        _simulated.AddNetAdapter("Ethernet", "Intel(R) Ethernet Controller X710");
        _simulated.AddSwitch("External", VMSwitchType.External, "Ethernet");

        // What the applied blueprint left: the L1 from the image, nested, its guest running Hyper-V ...
        var l1 = LabScenarios.AddWindowsGuestVm(_simulated, "lab-a", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: true);
        _guest = l1.Guest!.Host;

        // ... Microsoft's NAT inside it (VmNAT with the gateway 192.168.100.1/24) ...
        _guest.AddSwitch("VmNAT", VMSwitchType.Internal);
        _guest.Update(h =>
        {
            var nat = h.NetAdapters.Single(a => a.Name == "vEthernet (VmNAT)");
            h.IPAddresses.Add(new SimulatedIPAddress { IPAddress = "192.168.100.1", InterfaceIndex = nat.InterfaceIndex, PrefixLength = 24, PrefixOrigin = "Manual" });
            h.NetNat = NewNat();
            return 0;
        });

        // ... and the L2 on VmNAT, running with its address.
        var l2 = LabGuestSetups.AddL2Guest(_guest, "lab-a-web", "VmNAT");
        l2.Guest!.Host.Update(g =>
        {
            var ethernet = g.NetAdapters.Single(a => a.Name == "Ethernet");
            g.IPAddresses.Clear();
            g.IPAddresses.Add(new SimulatedIPAddress { IPAddress = "192.168.100.10", InterfaceIndex = ethernet.InterfaceIndex, PrefixLength = 24, PrefixOrigin = "Manual", DefaultGateway = "192.168.100.1" });
            return 0;
        });
        _lab.Add(_simulated);
    }

    public async Task InitializeAsync()
    {
        _engine = (PowerShellHyperVHost)HyperVHostFactory.Create(
            new HostConnectionSettings { Name = HostName, Address = HostName, Transport = HostTransport.InProcess, Timeout = TimeSpan.FromSeconds(30) }, _lab);
        _database = new SqliteTestDatabase();
        _credentials = TestStores.GuestCredentials(_database, _keys);
        _monitor = new BlueprintDriftMonitor(_store, new FakeBlueprintRunner(), _inventory, new BlueprintGuestDrift(new OneHost(_engine), _credentials),
            Options.Create(new BlueprintDriftOptions { GuestInterval = TimeSpan.FromSeconds(60) }), _time, NullLogger<BlueprintDriftMonitor>.Instance);

        // The blueprint and its succeeded run as the runner saves them; the L1's lab account remembered, as apply does when asked.
        await _store.SaveAsync(NatLab, "olivia");
        await _store.SaveRunAsync(new BlueprintRun(Guid.NewGuid(), NatLab.Name, "olivia", _time.GetUtcNow(), _time.GetUtcNow(), BlueprintRunState.Succeeded, []));
        await _credentials.RememberAsync(HostName, _simulated.FindVm("lab-a")!.Id, Lab);
        _inventory.SetHostStatus(HostName, new HostStatus(HostConnectionState.Connected, _time.GetUtcNow()));
        _inventory.ApplyInventory(HostName, await _engine.GetInventoryAsync());
    }

    public async Task DisposeAsync()
    {
        _monitor.Dispose();
        _credentials.Dispose();
        await _engine.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    private static SimulatedNetNat NewNat() => new() { Name = "LabNAT", InternalIPInterfaceAddressPrefix = NatPrefix };

    /// <summary>One guest round, as the monitor's timer runs it a minute after the last.</summary>
    private async Task GuestRoundAsync()
    {
        _time.Advance(TimeSpan.FromSeconds(60));
        await _monitor.CheckGuestsAsync();
        var check = Assert.Single(_monitor.Checks(NatLab.Name));
        Assert.Equal((_time.GetUtcNow(), (string?)null), (check.CheckedAt, check.NotChecked));
    }

    [Fact]
    public async Task The_NAT_and_the_L2_removed_inside_the_guest_show_as_drift_naming_the_L1_and_the_NAT_put_back_clears_its_drift()
    {
        // (1) As applied: nothing differs, from the inventory or from inside the guest read with the remembered account.
        await _monitor.CheckInventoryAsync();
        await GuestRoundAsync();
        Assert.Empty(_monitor.All());

        // (2) Someone removes the NAT inside the L1.
        _guest.Update(h => h.NetNat = null);
        var natGone = _time.GetUtcNow() + TimeSpan.FromSeconds(60);
        await GuestRoundAsync();
        var nat = Assert.Single(_monitor.Drift(NatLab.Name));
        Assert.Equal((BlueprintDriftKind.NetworkMissing, HostName, "lab-a", (string?)null, natGone), (nat.Kind, nat.Host, nat.L1, nat.L2, nat.Since));
        Assert.Equal("L1 'lab-a' on host 'HV-DRIFT-01' no longer has the NAT network 192.168.100.0/24: its L2 VMs cannot reach the network. Re-apply creates it again.", nat.Message);

        // (3) ... and the L2 VM inside it.
        _guest.Update(h => h.Vms.RemoveAll(v => v.Name == "lab-a-web"));
        await GuestRoundAsync();
        var drift = _monitor.Drift(NatLab.Name);
        Assert.Equal([BlueprintDriftKind.NetworkMissing, BlueprintDriftKind.L2Missing], drift.Select(d => d.Kind));
        var l2 = drift[1];
        Assert.Equal(("lab-a", "lab-a-web"), (l2.L1, l2.L2));
        Assert.Equal("L2 'lab-a-web' is gone from L1 'lab-a' on host 'HV-DRIFT-01'. Re-apply creates it again and gives it its address.", l2.Message);
        Assert.Equal(natGone, drift[0].Since);

        // (4) The NAT put back: its drift clears; the L2 still gone stays.
        _guest.Update(h => h.NetNat = NewNat());
        await GuestRoundAsync();
        Assert.Equal([BlueprintDriftKind.L2Missing], _monitor.All().Select(d => d.Kind));

        // The inventory still sees the L1 as applied (nested on): nothing there.
        await _monitor.CheckInventoryAsync();
        Assert.Equal([BlueprintDriftKind.L2Missing], _monitor.All().Select(d => d.Kind));
    }

    [Fact]
    public async Task An_L2_address_changed_inside_it_shows_as_drift_and_clears_when_set_back()
    {
        var l2Guest = _guest.FindVm("lab-a-web")!.Guest!.Host;
        l2Guest.Update(g => g.IPAddresses.Single(a => a.IPAddress == "192.168.100.10").IPAddress = "192.168.100.50");

        await GuestRoundAsync();

        var changed = Assert.Single(_monitor.Drift(NatLab.Name));
        Assert.Equal((BlueprintDriftKind.AddressChanged, "lab-a", "lab-a-web"), (changed.Kind, changed.L1, changed.L2));
        Assert.Contains("has 192.168.100.50/24 instead of 192.168.100.10", changed.Message, StringComparison.Ordinal);

        l2Guest.Update(g => g.IPAddresses.Single(a => a.IPAddress == "192.168.100.50").IPAddress = "192.168.100.10");
        await GuestRoundAsync();
        Assert.Empty(_monitor.All());
    }

    private sealed class OneHost(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(host.Name, name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
