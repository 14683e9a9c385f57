using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Overview;

namespace NestedHvDashboard.Web.Tests.Overview;

/// <summary>Hosts and VMs for the overview and wall tests.</summary>
internal static class TileData
{
    public static HostFacts Intel2022(string name) => new(name, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true,
        ProcessorVendor.Intel, "GenuineIntel", "Xeon", 16, 64L << 30, true, [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    public static HostFacts Amd2016(string name) => new(name, "Microsoft Windows Server 2016 Datacenter", "10.0.14393", 14393, true,
        ProcessorVendor.Amd, "AuthenticAMD", "EPYC", 32, 128L << 30, true, [new Version(8, 0)], new Version(8, 0), false, null);

    /// <summary>A VM every readiness rule passes when Off (generation 2, 4 GB static, config 10.0, no checkpoint).</summary>
    public static VmSnapshot Ready(string name, VmState state = VmState.Off, bool nested = false, int cpu = 0) =>
        new(Guid.NewGuid(), name, state, state == VmState.Running ? TimeSpan.FromHours(1) : TimeSpan.Zero, cpu, 4L << 30, false, 4L << 30,
            new Version(10, 0), 2, 2, nested, false, [], null, null);

    /// <summary>A VM at configuration 7.0, below Intel's 8.0: its config-version check fails.</summary>
    public static VmSnapshot OldConfig(string name) => Ready(name) with { ConfigVersion = new Version(7, 0) };

    /// <summary>A VM with a checkpoint: its checkpoint check warns.</summary>
    public static VmSnapshot WithCheckpoint(string name) => Ready(name) with { HasCheckpoints = true };

    public static HostInventoryState Connected(HostFacts facts, params VmSnapshot[] vms) =>
        new(facts.Name, new HostStatus(HostConnectionState.Connected, DateTimeOffset.UtcNow), facts, vms, 1, DateTimeOffset.UtcNow);

    public static HostTileModel Tile(string name, int vms = 0, int problems = 0, bool down = false, params string[] tags) =>
        new(name, new HostStatus(down ? HostConnectionState.Unreachable : HostConnectionState.Connected, DateTimeOffset.UtcNow),
            "Windows Server 2022 Datacenter", 20348, ProcessorVendor.Intel, 0, vms, 0, 0, 0, problems, 0, tags);
}
