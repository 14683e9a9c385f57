using System.Text.Json;
using System.Text.Json.Serialization;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// One simulated Hyper-V host: its facts, VMs, switches, NAT and host networking.
/// Thread-safe through <see cref="Read{T}"/> and <see cref="Update{T}"/>; the lists are public so
/// scenarios and JSON can build them, but once the host is shared touch them only inside those calls.
/// </summary>
public sealed class SimulatedHost
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Lock gate = new();

    public SimulatedHost()
    {
    }

    public SimulatedHost(string name, HostProfile? profile = null)
    {
        Name = name;
        Profile = profile ?? new HostProfile();
    }

    /// <summary>
    /// When set, read cmdlets charge what they would cost a real host (see <see cref="SimulatedHostCost"/>).
    /// Null (off) by default and in tests; the watch-cost benchmark sets it.
    /// </summary>
    [JsonIgnore]
    public SimulatedHostCost? Cost { get; set; }

    /// <summary>The host's computer name.</summary>
    public string Name { get; set; } = "HV01";

    public HostProfile Profile { get; set; } = new();

    public SimulationTiming Timing { get; set; } = new();

    public List<SimulatedVm> Vms { get; set; } = [];

    public List<SimulatedSwitch> Switches { get; set; } = [];

    public List<SimulatedNetAdapter> NetAdapters { get; set; } = [];

    public List<SimulatedIPAddress> IPAddresses { get; set; } = [];

    /// <summary>The virtual hard disks New-VHD made (see <see cref="SimulatedImages"/>).</summary>
    public List<SimulatedDisk> Disks { get; set; } = [];

    /// <summary>The host's WinNAT network, or null.</summary>
    public SimulatedNetNat? NetNat { get; set; }

    /// <summary>
    /// False for a guest OS without the Hyper-V role: its Hyper-V cmdlets are then not found.
    /// Every top-level simulated host runs Hyper-V.
    /// </summary>
    public bool HyperVInstalled { get; set; } = true;

    /// <summary>
    /// True in a guest whose VM last booted with nested virtualization off: Hyper-V is installed but its hypervisor does not
    /// run, so Start-VM refuses as Hyper-V does. Set by <see cref="NestedLevels"/> when the VM starts.
    /// </summary>
    public bool HypervisorStopped { get; set; }

    /// <summary>Windows features (Install-WindowsFeature names) and optional features (DISM names) installed.</summary>
    public List<string> InstalledFeatures { get; set; } = [];

    /// <summary>Features installed but waiting for a restart.</summary>
    public List<string> PendingFeatures { get; set; } = [];

    /// <summary>
    /// Test seam: commands (by cmdlet name, e.g. "New-NetNat") that fail with the given message before they
    /// change anything, to test how callers handle a failing step. Never saved to state files.
    /// </summary>
    [JsonIgnore]
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> FailingCommands { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Counter for MAC addresses handed out from Hyper-V's 00-15-5D pool.</summary>
    public int MacCounter { get; set; }

    /// <summary>Runs <paramref name="read"/> under the host's lock.</summary>
    public T Read<T>(Func<SimulatedHost, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (gate)
        {
            return read(this);
        }
    }

    /// <summary>Runs <paramref name="change"/> under the host's lock.</summary>
    public T Update<T>(Func<SimulatedHost, T> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            return change(this);
        }
    }

    /// <summary>Runs <paramref name="change"/> under the host's lock.</summary>
    public void Update(Action<SimulatedHost> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            change(this);
        }
    }

    /// <summary>Finds a VM by name, case-insensitively like Hyper-V.</summary>
    public SimulatedVm? FindVm(string name) => Read(h => h.Vms.Find(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Finds a VM by id.</summary>
    public SimulatedVm? FindVm(Guid id) => Read(h => h.Vms.Find(v => v.Id == id));

    /// <summary>
    /// Adds a VM (Off, generation 2, version = the host's default, one adapter) and returns it;
    /// <paramref name="configure"/> runs under the lock before anyone can see the VM.
    /// </summary>
    public SimulatedVm AddVm(string name, Action<SimulatedVm>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Update(h =>
        {
            var vm = new SimulatedVm { Name = name, Id = Guid.NewGuid(), Version = h.Profile.DefaultVersion, CreationTime = DateTimeOffset.UtcNow };
            vm.NetworkAdapters.Add(new SimulatedVmNetworkAdapter
            {
                Id = Guid.NewGuid(),
                SwitchName = h.Switches.FirstOrDefault()?.Name,
                MacAddress = h.NextMacAddress(),
            });
            configure?.Invoke(vm);
            h.Vms.Add(vm);
            return vm;
        });
    }

    /// <summary>Adds a physical host adapter (e.g. "Ethernet") and returns it.</summary>
    public SimulatedNetAdapter AddNetAdapter(string name, string interfaceDescription) => Update(h =>
    {
        var adapter = new SimulatedNetAdapter
        {
            Name = name,
            InterfaceDescription = interfaceDescription,
            InterfaceIndex = h.NextInterfaceIndex(),
            MacAddress = h.NextMacAddress(),
        };
        h.NetAdapters.Add(adapter);
        return adapter;
    });

    /// <summary>
    /// Adds a switch like New-VMSwitch: internal switches (and external ones shared with the
    /// management OS) get a host adapter named "vEthernet (name)".
    /// </summary>
    public SimulatedSwitch AddSwitch(string name, VMSwitchType type, string? netAdapterName = null, bool allowManagementOS = true) =>
        Update(h => h.AddSwitchUnlocked(name, type, netAdapterName, allowManagementOS));

    internal SimulatedSwitch AddSwitchUnlocked(string name, VMSwitchType type, string? netAdapterName, bool allowManagementOS)
    {
        var vmSwitch = new SimulatedSwitch
        {
            Id = Guid.NewGuid(),
            Name = name,
            SwitchType = type,
            NetAdapterName = netAdapterName,
            AllowManagementOS = type == VMSwitchType.Internal || (type == VMSwitchType.External && allowManagementOS),
        };
        Switches.Add(vmSwitch);
        if (vmSwitch.AllowManagementOS)
        {
            NetAdapters.Add(new SimulatedNetAdapter
            {
                Name = $"vEthernet ({name})",
                InterfaceDescription = "Hyper-V Virtual Ethernet Adapter" + (NetAdapters.Count(a => a.InterfaceDescription.StartsWith("Hyper-V Virtual Ethernet Adapter", StringComparison.Ordinal)) is var n and > 0 ? $" #{n + 1}" : ""),
                InterfaceIndex = NextInterfaceIndex(),
                MacAddress = NextMacAddress(),
            });
        }

        return vmSwitch;
    }

    internal string NextMacAddress()
    {
        MacCounter++;
        var hostByte = (byte)(StableHash(Name) & 0xFF);
        return $"00155D{hostByte:X2}{(MacCounter >> 8) & 0xFF:X2}{MacCounter & 0xFF:X2}";
    }

    internal int NextInterfaceIndex() => NetAdapters.Count == 0 ? 4 : NetAdapters.Max(a => a.InterfaceIndex) + 3;

    /// <summary>A hash that is the same in every process (string.GetHashCode is randomised).</summary>
    internal static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    /// <summary>The host as JSON (the out-of-process state file format).</summary>
    public string ToJson() => Read(h => JsonSerializer.Serialize(h, JsonOptions));

    /// <summary>Reads a host from JSON written by <see cref="ToJson"/>.</summary>
    public static SimulatedHost FromJson(string json)
    {
        var host = JsonSerializer.Deserialize<SimulatedHost>(json, JsonOptions) ?? throw new InvalidDataException("The simulator state file is empty.");

        // A hand-written state file may leave ids out: derive stable ones so every load agrees.
        foreach (var vm in host.Vms)
        {
            if (vm.Id == Guid.Empty)
            {
                vm.Id = StableGuid($"{host.Name}/{vm.Name}");
            }

            foreach (var adapter in vm.NetworkAdapters.Where(a => a.Id == Guid.Empty))
            {
                adapter.Id = StableGuid($"{host.Name}/{vm.Name}/{adapter.Name}/{vm.NetworkAdapters.IndexOf(adapter)}");
            }
        }

        foreach (var vmSwitch in host.Switches.Where(s => s.Id == Guid.Empty))
        {
            vmSwitch.Id = StableGuid($"{host.Name}/switch/{vmSwitch.Name}");
        }

        return host;
    }

    private static Guid StableGuid(string text) => new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));

    /// <summary>A deep copy with its own lock.</summary>
    public SimulatedHost Clone() => FromJson(ToJson());

    /// <summary>Writes the host to a state file (under the same exclusive lock the cmdlets take).</summary>
    public void SaveToFile(string path)
    {
        var json = ToJson();
        HostStateFile.WithExclusiveLock(path, createIfMissing: true, stream =>
        {
            HostStateFile.Write(stream, json);
            return 0;
        });
    }

    /// <summary>Reads a host from a state file written by <see cref="SaveToFile"/> or by the cmdlets.</summary>
    public static SimulatedHost LoadFromFile(string path) =>
        HostStateFile.WithExclusiveLock(path, createIfMissing: false, stream => FromJson(HostStateFile.ReadAll(stream)));
}
