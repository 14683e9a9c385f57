using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Scenarios;

/// <summary>Ready-made simulated labs: the demo lab, and generated labs for benchmarks. Deterministic.</summary>
public static class LabScenarios
{
    private const long GB = 1024L * 1024 * 1024;
    private const long MB = 1024L * 1024;

    /// <summary>A fixed moment the scenarios are built around, so the same seed gives the same lab.</summary>
    private static readonly DateTimeOffset Epoch = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The administrator every Windows guest of the demo lab has (PowerShell Direct's -Credential user).</summary>
    public const string GuestAdministratorUserName = "Administrator";

    /// <summary>
    /// The demo lab's guest administrator password: a documented, made-up lab value (never a real secret).
    /// Guests keep only a salted hash of it.
    /// </summary>
    public const string GuestAdministratorPassword = "NestedLab-2025!";

    /// <summary>Names of the hosts in <see cref="CreateDefaultLab"/>.</summary>
    public static class HostNames
    {
        public const string Ws2016Intel = "HV-WS2016-01";
        public const string Ws2019Intel = "HV-WS2019-01";
        public const string Ws2022Amd = "HV-WS2022-AMD";
        public const string Ws2025Azure = "AZ-WS2025-TL";
        public const string Windows11 = "WIN11-DEV";
        public const string Ws2016Opteron = "HV-OPTERON-01";
    }

    /// <summary>The failover cluster <see cref="HostNames.Ws2019Intel"/> is a node of in <see cref="CreateDefaultLab"/>.</summary>
    public const string Ws2019ClusterName = "HV-CLUSTER-01";

    public static HostProfile Ws2016IntelProfile() => LabHostProfiles.Ws2016Intel.ToProfile();

    public static HostProfile Ws2019IntelProfile() => LabHostProfiles.Ws2019Intel.ToProfile();

    public static HostProfile Ws2022AmdProfile() => LabHostProfiles.Ws2022Amd.ToProfile();

    public static HostProfile Ws2025AzureProfile(string securityType = "TrustedLaunch") => LabHostProfiles.Ws2025Azure.ToProfile(securityType);

    public static HostProfile Windows11Profile() => LabHostProfiles.Windows11.ToProfile();

    /// <summary>An AMD Opteron (pre-Zen) host on Windows Server 2016: no VM on it can run nested virtualization.</summary>
    public static HostProfile Ws2016OpteronProfile() => LabHostProfiles.Ws2016Opteron.ToProfile();

    /// <summary>
    /// The demo lab: six hosts (Intel WS2016, Intel WS2019 in a failover cluster, AMD WS2022, Azure WS2025 with Trusted
    /// Launch, Windows 11, AMD Opteron WS2016) and VMs in every common state and configuration version 5.0 to 12.0, with
    /// clustered VMs and a Linux guest, so every readiness rule shows each of its answers.
    /// </summary>
    public static SimulatedLab CreateDefaultLab(SimulationTiming? timing = null)
    {
        var lab = new SimulatedLab();
        var builder = new Builder(new Random(20250602));

        var ws2016 = builder.Host(HostNames.Ws2016Intel, Ws2016IntelProfile(), timing);
        builder.Vm(ws2016, "dc01", "5.0", VMState.Running, cpus: 2, memory: 2 * GB, guest: ("Windows Server 2012 R2 Datacenter", "6.3.9600"), generation: 1);
        builder.Vm(ws2016, "file-01", "7.0", VMState.Running, cpus: 4, memory: 8 * GB, guest: ("Windows Server 2016 Standard", "10.0.14393"));
        builder.Vm(ws2016, "legacy-app", "6.2", VMState.Off, cpus: 2, memory: 4 * GB, generation: 1);
        builder.Vm(ws2016, "nested-l1-01", "8.0", VMState.Running, cpus: 8, memory: 16 * GB, guest: ("Windows Server 2016 Datacenter", "10.0.14393"), nested: true, spoofing: true, hyperVGuest: true);
        builder.Vm(ws2016, "build-agent-01", "8.0", VMState.Saved, cpus: 4, memory: 8 * GB, checkpoints: 2);
        builder.Vm(ws2016, "test-win10", "7.1", VMState.Paused, cpus: 2, memory: 4 * GB, dynamicMemory: true, guest: ("Windows 10 Enterprise", "10.0.19045"));
        builder.Vm(ws2016, "print-01", "8.0", VMState.Off, cpus: 1, memory: 1 * GB, dynamicMemory: true);

        var ws2019Profile = Ws2019IntelProfile();
        ws2019Profile.ClusterName = Ws2019ClusterName;
        var ws2019 = builder.Host(HostNames.Ws2019Intel, ws2019Profile, timing);
        builder.Vm(ws2019, "sql-2019", "9.0", VMState.Running, cpus: 16, memory: 64 * GB, guest: ("Windows Server 2019 Datacenter", "10.0.17763"), checkpoints: 1).IsClustered = true;
        builder.Vm(ws2019, "sap-hana-240", "9.0", VMState.Off, cpus: 240, memory: 2048 * GB, guest: ("Windows Server 2019 Datacenter", "10.0.17763"));
        builder.Vm(ws2019, "nested-l1-02", "9.0", VMState.Running, cpus: 8, memory: 32 * GB, guest: ("Windows Server 2019 Datacenter", "10.0.17763"), nested: true, spoofing: true, hyperVGuest: true).IsClustered = true;
        builder.Vm(ws2019, "web-01", "8.3", VMState.Running, cpus: 4, memory: 3 * GB, dynamicMemory: true, guest: ("Windows Server 2019 Standard", "10.0.17763"));
        builder.Vm(ws2019, "web-02", "8.3", VMState.Running, cpus: 4, memory: 3 * GB, dynamicMemory: true, guest: ("Windows Server 2019 Standard", "10.0.17763"));
        builder.Vm(ws2019, "exchange-01", "8.2", VMState.Saved, cpus: 8, memory: 32 * GB, checkpoints: 1);
        builder.Vm(ws2019, "devbox-old", "8.1", VMState.Off, cpus: 2, memory: 2 * GB, dynamicMemory: true);
        // A Linux guest's KVP daemon reports its distribution; set after building so the seeded ids and MACs stay as they were.
        var nginx = builder.Vm(ws2019, "linux-nginx", "9.0", VMState.Running, cpus: 2, memory: 2 * GB, guest: null, shutdownIntegration: false);
        nginx.GuestOsName = "Ubuntu 22.04.4 LTS";
        nginx.GuestOsVersion = "5.15.0-105-generic";

        var ws2022 = builder.Host(HostNames.Ws2022Amd, Ws2022AmdProfile(), timing);
        builder.Vm(ws2022, "nested-l1-amd", "10.0", VMState.Running, cpus: 16, memory: 32 * GB, guest: ("Windows Server 2022 Datacenter", "10.0.20348"), nested: true, spoofing: true, hyperVGuest: true);
        builder.Vm(ws2022, "amd-lab-93", "9.3", VMState.Off, cpus: 8, memory: 16 * GB);
        builder.Vm(ws2022, "amd-lab-92", "9.2", VMState.Off, cpus: 8, memory: 16 * GB);
        builder.Vm(ws2022, "amd-lab-91", "9.1", VMState.Running, cpus: 4, memory: 8 * GB, guest: ("Windows Server 2019 Datacenter", "10.0.17763"));
        builder.Vm(ws2022, "sql-2022", "10.0", VMState.Running, cpus: 32, memory: 128 * GB, guest: ("Windows Server 2022 Datacenter", "10.0.20348"), checkpoints: 3);
        builder.Vm(ws2022, "k8s-node-01", "10.0", VMState.Running, cpus: 8, memory: 3 * GB, dynamicMemory: true, guest: ("Windows Server 2022 Datacenter: Azure Edition", "10.0.20348"));
        builder.Vm(ws2022, "jump-01", "9.0", VMState.Paused, cpus: 2, memory: 4 * GB, guest: ("Windows Server 2022 Standard", "10.0.20348"));
        builder.Vm(ws2022, "archive-01", "8.0", VMState.Saved, cpus: 2, memory: 4 * GB);

        var azure = builder.Host(HostNames.Ws2025Azure, Ws2025AzureProfile(), timing);
        builder.Vm(azure, "nested-l1-az", "12.0", VMState.Off, cpus: 4, memory: 16 * GB);
        builder.Vm(azure, "az-dev-01", "12.0", VMState.Running, cpus: 4, memory: 8 * GB, guest: ("Windows Server 2025 Datacenter", "10.0.26100"), nested: true, hyperVGuest: true);
        builder.Vm(azure, "az-test-11", "11.0", VMState.Running, cpus: 2, memory: 2 * GB, dynamicMemory: true, guest: ("Windows 11 Enterprise", "10.0.22631"));
        builder.Vm(azure, "az-ci-10", "10.0", VMState.Saved, cpus: 2, memory: 4 * GB, checkpoints: 1);

        var win11 = builder.Host(HostNames.Windows11, Windows11Profile(), timing);
        builder.Vm(win11, "sandbox-12", "12.0", VMState.Running, cpus: 4, memory: 8 * GB, guest: ("Windows 11 Enterprise", "10.0.26100"));
        builder.Vm(win11, "wsl-like", "11.0", VMState.Off, cpus: 2, memory: 2 * GB, dynamicMemory: true);
        builder.Vm(win11, "nested-l1-w11", "12.0", VMState.Running, cpus: 8, memory: 16 * GB, guest: ("Windows Server 2025 Datacenter", "10.0.26100"), nested: true, spoofing: true, hyperVGuest: true, checkpoints: 2);
        builder.Vm(win11, "old-demo-50", "5.0", VMState.Off, cpus: 1, memory: 1 * GB, generation: 1);
        builder.Vm(win11, "insider-vm", "12.0", VMState.Saved, cpus: 4, memory: 8 * GB);

        // Added last, so the hosts before it keep the ids and MACs the seed gave them.
        var opteron = builder.Host(HostNames.Ws2016Opteron, Ws2016OpteronProfile(), timing);
        builder.Vm(opteron, "opteron-l1", "8.0", VMState.Running, cpus: 8, memory: 16 * GB, guest: ("Windows Server 2016 Datacenter", "10.0.14393"));
        builder.Vm(opteron, "erp-2016", "8.0", VMState.Off, cpus: 4, memory: 8 * GB);

        foreach (var host in new[] { ws2016, ws2019, ws2022, azure, win11, opteron })
        {
            lab.Add(host);
        }

        return lab;
    }

    /// <summary>
    /// A generated lab of <paramref name="hosts"/> hosts with <paramref name="vmsPerHost"/> VMs each, for benchmarks.
    /// Its VMs have no guest OS to reach by PowerShell Direct, which keeps thousands of VMs light.
    /// </summary>
    public static SimulatedLab Generate(int hosts, int vmsPerHost, int seed, SimulationTiming? timing = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hosts);
        ArgumentOutOfRangeException.ThrowIfNegative(vmsPerHost);
        var random = new Random(seed);
        var builder = new Builder(random);
        var profiles = new Func<HostProfile>[] { Ws2016IntelProfile, Ws2019IntelProfile, Ws2022AmdProfile, () => Ws2025AzureProfile("Standard"), Windows11Profile };
        var states = new[] { VMState.Running, VMState.Running, VMState.Running, VMState.Off, VMState.Off, VMState.Saved, VMState.Paused };
        var roles = new[] { "web", "sql", "app", "dc", "file", "build", "test", "nested-l1", "k8s", "jump" };
        var lab = new SimulatedLab();
        for (var h = 0; h < hosts; h++)
        {
            var profile = profiles[h % profiles.Length]();
            var host = builder.Host($"HV{h + 1:D3}", profile, timing);
            for (var v = 0; v < vmsPerHost; v++)
            {
                var state = states[random.Next(states.Length)];
                var version = profile.SupportedVersions[random.Next(profile.SupportedVersions.Count)];
                var role = roles[random.Next(roles.Length)];
                builder.Vm(
                    host,
                    $"{role}-{h + 1:D3}-{v + 1:D3}",
                    version,
                    state,
                    cpus: 1 << random.Next(0, 4),
                    memory: (1 << random.Next(0, 5)) * GB,
                    dynamicMemory: random.Next(3) == 0,
                    guest: state == VMState.Running && random.Next(4) != 0 ? ("Windows Server 2022 Datacenter", "10.0.20348") : null,
                    nested: role == "nested-l1",
                    spoofing: role == "nested-l1" && random.Next(2) == 0,
                    hyperVGuest: role == "nested-l1",
                    checkpoints: random.Next(4) == 0 ? 1 : 0,
                    createGuest: false);
            }

            lab.Add(host);
        }

        return lab;
    }

    /// <summary>
    /// The guest OS inside <paramref name="vm"/> as a simulated host of its own: a Windows edition from the VM's
    /// guest OS name and version, one "Ethernet" adapter with the VM's address, Hyper-V installed when the VM's
    /// guest is a Hyper-V host (then with one L2 VM of its own). Derived from names only, so it is the same every run.
    /// </summary>
    public static SimulatedGuest CreateGuest(SimulatedHost parent, SimulatedVm vm, string userName = GuestAdministratorUserName, string password = GuestAdministratorPassword)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(vm);
        var guestHost = new SimulatedHost(vm.Name, GuestProfile(parent.Profile, vm))
        {
            Timing = parent.Timing.Clone(),
            HyperVInstalled = vm.GuestIsHyperVHost,
        };
        var seed = SimulatedHost.StableHash(parent.Name + "/" + vm.Name);
        var adapter = guestHost.AddNetAdapter("Ethernet", "Microsoft Hyper-V Network Adapter");
        var address = vm.NetworkAdapters.SelectMany(a => a.IPAddresses).FirstOrDefault(a => a.Contains('.', StringComparison.Ordinal))
            ?? $"10.0.1.{20 + (seed % 230)}";
        guestHost.IPAddresses.Add(new SimulatedIPAddress { IPAddress = address, InterfaceIndex = adapter.InterfaceIndex, PrefixLength = 24, PrefixOrigin = "Dhcp", DefaultGateway = "10.0.1.1" });
        if (vm.GuestIsHyperVHost)
        {
            guestHost.Vms.Add(new SimulatedVm
            {
                Name = "l2-app-01",
                Id = new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{parent.Name}/{vm.Name}/l2-app-01")).AsSpan(0, 16)),
                Version = guestHost.Profile.DefaultVersion,
                ProcessorCount = 2,
                MemoryStartupBytes = 2 * GB,
                MemoryMinimumBytes = 2 * GB,
                MemoryMaximumBytes = 2 * GB,
                CreationTime = Epoch,
                Notes = "L2 guest",

                // Not connected yet: the L1's switches card (or its own host entry) puts it on a switch inside the L1.
                NetworkAdapters = [new SimulatedVmNetworkAdapter
                {
                    Id = new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{parent.Name}/{vm.Name}/l2-app-01/nic")).AsSpan(0, 16)),
                    MacAddress = guestHost.NextMacAddress(),
                }],
            });
        }

        LabGuestSetups.Apply(guestHost, vm.Name);
        return SimulatedGuest.Create(guestHost, userName, password);
    }

    /// <summary>
    /// Adds a VM named <paramref name="name"/> to <paramref name="host"/> whose Windows guest answers PowerShell Direct
    /// with the lab credentials: running for ten minutes unless <paramref name="running"/> is false.
    /// </summary>
    public static SimulatedVm AddWindowsGuestVm(SimulatedHost host, string name, string osName, string osVersion, bool nested, bool hyperV, bool running = true)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.AddVm(name, vm =>
        {
            vm.GuestOsName = osName;
            vm.GuestOsVersion = osVersion;
            vm.ExposeVirtualizationExtensions = nested;
            vm.GuestIsHyperVHost = hyperV;
            if (running)
            {
                vm.State = VMState.Running;
                vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-10);
            }

            vm.Guest = CreateGuest(host, vm);
        });
    }

    /// <summary>What a guest OS reports: its edition, and the VM's processors and memory.</summary>
    private static HostProfile GuestProfile(HostProfile parent, SimulatedVm vm)
    {
        var osName = vm.GuestOsName ?? "Windows Server 2022 Datacenter";
        var osVersion = vm.GuestOsVersion ?? "10.0.20348";
        var build = Version.TryParse(osVersion, out var v) && v.Build > 0 ? v.Build : 20348;
        var highest = build switch
        {
            >= 26100 => "12.0",
            >= 22621 => "11.0",
            >= 20348 => "10.0",
            >= 19041 => "9.3",
            >= 17763 => "9.0",
            >= 14393 => "8.0",
            _ => "5.0",
        };
        return new HostProfile
        {
            OsCaption = "Microsoft " + osName,
            OsVersion = osVersion,
            OsBuild = build,
            ProductType = osName.Contains("Server", StringComparison.OrdinalIgnoreCase) ? 3 : 1,
            ProcessorManufacturer = parent.ProcessorManufacturer,
            ProcessorName = parent.ProcessorName,
            ProcessorSockets = 1,
            LogicalProcessors = (int)vm.ProcessorCount,
            MemoryBytes = vm.MemoryStartupBytes,
            SupportedVersions = [.. ConfigVersions.UpTo(highest)],
            DefaultVersion = highest,
            SystemManufacturer = "Microsoft Corporation",
            SystemModel = "Virtual Machine",
            Domain = parent.Domain,
        };
    }

    /// <summary>Builds hosts and VMs from one seeded random source, so ids and MACs repeat run to run.</summary>
    private sealed class Builder(Random random)
    {
        // Uptimes are relative to when the lab is built; everything else comes from the seed.
        private readonly DateTimeOffset startedAround = DateTimeOffset.UtcNow;

        public SimulatedHost Host(string name, HostProfile profile, SimulationTiming? timing)
        {
            var host = new SimulatedHost(name, profile) { Timing = timing?.Clone() ?? new SimulationTiming() };
            var physical = new SimulatedNetAdapter
            {
                Name = "Ethernet",
                InterfaceDescription = profile.IsAzureVm ? "Microsoft Hyper-V Network Adapter" : "Intel(R) Ethernet Controller X710 for 10GbE SFP+",
                InterfaceIndex = 4,
                MacAddress = host.NextMacAddress(),
            };
            host.NetAdapters.Add(physical);
            host.IPAddresses.Add(new SimulatedIPAddress { IPAddress = $"10.0.{host.NetAdapters.Count}.{random.Next(10, 250)}", InterfaceIndex = 4, PrefixLength = 24, PrefixOrigin = "Dhcp", DefaultGateway = "10.0.1.1" });
            host.AddSwitchUnlocked("External", VMSwitchType.External, physical.Name, allowManagementOS: true);
            host.AddSwitchUnlocked("Lab Private", VMSwitchType.Private, null, allowManagementOS: false);
            return host;
        }

        public SimulatedVm Vm(
            SimulatedHost host,
            string name,
            string version,
            VMState state,
            long cpus,
            long memory,
            (string Name, string Version)? guest = null,
            bool dynamicMemory = false,
            bool nested = false,
            bool spoofing = false,
            bool hyperVGuest = false,
            int checkpoints = 0,
            int generation = 2,
            bool shutdownIntegration = true,
            bool createGuest = true)
        {
            var vm = new SimulatedVm
            {
                Name = name,
                Id = NextGuid(),
                Generation = generation,
                Version = version,
                ProcessorCount = cpus,
                MemoryStartupBytes = memory,
                DynamicMemoryEnabled = dynamicMemory,
                MemoryMinimumBytes = dynamicMemory ? Math.Min(512 * MB, memory) : memory,
                MemoryMaximumBytes = dynamicMemory ? Math.Max(memory * 4, 8 * GB) : memory,
                ExposeVirtualizationExtensions = nested,
                State = state,
                RunningSince = state is VMState.Running or VMState.Paused ? startedAround - TimeSpan.FromMinutes(random.Next(30, 60 * 24 * 40)) : null,
                CpuBaseline = state == VMState.Running ? random.Next(3, 70) : 0,
                GuestOsName = guest?.Name,
                GuestOsVersion = guest?.Version,
                GuestIsHyperVHost = hyperVGuest,
                GuestShutdownIntegration = shutdownIntegration,
                CreationTime = Epoch - TimeSpan.FromDays(random.Next(30, 900)),
                Notes = hyperVGuest ? "L1 guest running the Hyper-V role" : "",
            };
            vm.NetworkAdapters.Add(new SimulatedVmNetworkAdapter
            {
                Id = NextGuid(),
                SwitchName = "External",
                MacAddress = host.NextMacAddress(),
                MacAddressSpoofing = spoofing,
                IPAddresses = guest is null ? [] : [$"10.0.1.{random.Next(20, 250)}", $"fe80::215:5dff:fe{random.Next(0, 255):x2}:{random.Next(0, 65535):x4}"],
            });
            Guid? parent = null;
            for (var i = 0; i < checkpoints; i++)
            {
                var checkpoint = new SimulatedCheckpoint
                {
                    Id = NextGuid(),
                    Name = $"{name} - ({vm.CreationTime.AddDays(i + 1):M/d/yyyy - h:mm:ss tt})",
                    ParentId = parent,
                    CreationTime = vm.CreationTime.AddDays(i + 1),
                    SnapshotType = SnapshotType.Standard,
                };
                vm.Checkpoints.Add(checkpoint);
                parent = checkpoint.Id;
            }

            vm.ParentCheckpointId = parent;
            if (createGuest && guest is { } os && os.Name.Contains("Windows", StringComparison.Ordinal))
            {
                vm.Guest = CreateGuest(host, vm);
            }

            host.Vms.Add(vm);
            return vm;
        }

        private Guid NextGuid()
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(bytes);
        }
    }
}
