using System.Net;
using System.Net.Sockets;
using NestedHvDashboard.Simulator.Cmdlets;

namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// Whether a simulated machine reaches an address, from the lab's own state and nothing else (the simulator never touches
/// the network). A target is reached when it is the machine itself; on the same segment (the machine's interface prefix)
/// and owned there (for a guest: its VM's switch on the parent host — the parent's "vEthernet (switch)" address or a
/// running sibling guest; for a host: the guests on its internal switches; an external switch or a physical adapter is the
/// lab's LAN, assumed to answer); or beyond a default gateway that is reachable and routes: the lab's LAN gateway does, and so
/// does a parent host whose WinNAT internal prefix holds the guest's address. Beyond the LAN or a NAT host, the lab's uplink
/// is assumed to work ("the simulated internet").
/// </summary>
internal sealed class SimulatedReachability
{
    /// <summary>In an L2 guest's runspace: the simulated host the L1 VM runs on (the L2's grandparent).</summary>
    public const string GrandparentHostVariableName = "NestedHvSimulatorGrandparentHost";

    /// <summary>In an L2 guest's runspace: the L1 VM's id on its host.</summary>
    public const string GrandparentVmIdVariableName = "NestedHvSimulatorGrandparentVmId";

    private readonly HostAccess me;
    private readonly (HostAccess Host, Guid VmId)? parent;
    private readonly (SimulatedHost Host, Guid VmId)? grandparent;

    public SimulatedReachability(SimulatorCmdlet cmdlet)
    {
        me = cmdlet.Sim;
        parent = cmdlet.ParentVm;
        var host = cmdlet.SessionState.PSVariable.GetValue(GrandparentHostVariableName);
        var id = cmdlet.SessionState.PSVariable.GetValue(GrandparentVmIdVariableName);
        if ((host is System.Management.Automation.PSObject h ? h.BaseObject : host) is SimulatedHost l0 && (id is System.Management.Automation.PSObject i ? i.BaseObject : id) is Guid l1)
        {
            grandparent = (l0, l1);
        }
    }

    /// <summary>The way to <paramref name="target"/>: whether it answers, and from which address, interface and next hop.</summary>
    public SimulatedRoute Reach(IPAddress target, int? constrainInterface = null, string? constrainSource = null)
    {
        var mine = me.Read(h => h.IPAddresses
            .Where(ip => (constrainInterface is null || ip.InterfaceIndex == constrainInterface) && (constrainSource is null || ip.IPAddress == constrainSource))
            .Select(ip => new Local(ip.IPAddress, ip.PrefixLength, ip.InterfaceIndex, h.NetAdapters.Find(a => a.InterfaceIndex == ip.InterfaceIndex)?.Name ?? "", ip.DefaultGateway))
            .ToList());
        if (IPAddress.IsLoopback(target))
        {
            return new SimulatedRoute(true, Kind.Self, target.ToString(), "Loopback Pseudo-Interface 1", 1, null);
        }

        if (mine.Find(a => IPAddress.Parse(a.Address).Equals(target)) is { } own)
        {
            return new SimulatedRoute(true, Kind.Self, own.Address, own.Alias, own.InterfaceIndex, null);
        }

        if (mine.Find(a => a.Holds(target)) is { } onLink)
        {
            var answer = OnSegment(onLink, target);
            return new SimulatedRoute(answer is not null, answer ?? Kind.Machine, onLink.Address, onLink.Alias, onLink.InterfaceIndex, null);
        }

        var viaGateway = mine.Find(a => a.Gateway is { } g && IPAddress.TryParse(g, out var gateway) && a.Holds(gateway));
        if (viaGateway is null)
        {
            return new SimulatedRoute(false, Kind.Internet, mine.FirstOrDefault()?.Address, mine.FirstOrDefault()?.Alias, mine.FirstOrDefault()?.InterfaceIndex, null);
        }

        var gatewayAddress = IPAddress.Parse(viaGateway.Gateway!);
        var routes = OnSegment(viaGateway, gatewayAddress) switch
        {
            Kind.Lan => true,
            Kind.ParentHost => ParentNatsFor(viaGateway.Address),
            _ => false,
        };
        return new SimulatedRoute(routes, Kind.Internet, viaGateway.Address, viaGateway.Alias, viaGateway.InterfaceIndex, viaGateway.Gateway);
    }

    /// <summary>The first of <paramref name="servers"/> this machine cannot reach, or null.</summary>
    public string? FirstUnreachable(IEnumerable<string> servers) =>
        servers.FirstOrDefault(s => !IPAddress.TryParse(s, out var address) || !Reach(address).Reached);

    /// <summary>Who answers for <paramref name="target"/> on the segment of <paramref name="local"/>, or null when nobody does.</summary>
    private Kind? OnSegment(Local local, IPAddress target)
    {
        // A guest's own internal switch (an L1's NAT switch, say) is its own segment, as on a host.
        var ownSwitch = local.Alias.StartsWith("vEthernet (", StringComparison.Ordinal)
            ? me.Read(h => h.Switches.Find(s => string.Equals($"vEthernet ({s.Name})", local.Alias, StringComparison.OrdinalIgnoreCase)))
            : null;
        if (parent is { } p)
        {
            if (ownSwitch is { } own && own.SwitchType != HyperV.VMSwitchType.External)
            {
                return me.Read(h => GuestOnSwitch(h, own.Name, target, null) ? Kind.Machine : (Kind?)null);
            }

            // A guest: its adapters are its VM's adapters, in order; the segment is the VM adapter's switch on the parent. A guest's
            // external switch stands for the adapter it is bound to.
            var bound = ownSwitch?.NetAdapterName;
            var position = me.Read(h => h.NetAdapters.Where(a => !a.Name.StartsWith("vEthernet (", StringComparison.Ordinal)).OrderBy(a => a.InterfaceIndex).ToList()
                .FindIndex(a => bound is null ? a.InterfaceIndex == local.InterfaceIndex : string.Equals(a.Name, bound, StringComparison.OrdinalIgnoreCase)));
            var dropped = Dropped();
            return p.Host.Read(h =>
            {
                var vm = h.Vms.Find(v => v.Id == p.VmId);
                var switchName = vm is null || position < 0 || position >= vm.NetworkAdapters.Count ? null : vm.NetworkAdapters[position].SwitchName;
                var vmSwitch = switchName is null ? null : h.Switches.Find(s => string.Equals(s.Name, switchName, StringComparison.OrdinalIgnoreCase));
                if (vmSwitch is null)
                {
                    return (Kind?)null;
                }

                return HostOwns(h, vmSwitch.Name, target) ? Kind.ParentHost
                    : GuestOnSwitch(h, vmSwitch.Name, target, p.VmId) ? Kind.Machine
                    : vmSwitch.SwitchType == HyperV.VMSwitchType.External && !dropped ? Kind.Lan
                    : null;
            });
        }

        return me.Read(h =>
        {
            var alias = local.Alias;
            if (!alias.StartsWith("vEthernet (", StringComparison.Ordinal))
            {
                return (Kind?)Kind.Lan;
            }

            var switchName = alias["vEthernet (".Length..^1];
            var vmSwitch = h.Switches.Find(s => string.Equals(s.Name, switchName, StringComparison.OrdinalIgnoreCase));
            return GuestOnSwitch(h, switchName, target, null) ? Kind.Machine
                : vmSwitch?.SwitchType == HyperV.VMSwitchType.External ? Kind.Lan
                : null;
        });
    }

    /// <summary>
    /// True when this guest is an L2 whose frames leave through its L1's VM adapter (an external switch inside the L1) while
    /// MAC address spoofing is off on an L1 adapter: Hyper-V drops frames whose source MAC is not the adapter's own.
    /// </summary>
    private bool Dropped() => grandparent is { } g && g.Host.Read(h =>
        h.Vms.Find(v => v.Id == g.VmId) is { } l1 && l1.NetworkAdapters.Exists(a => a.SwitchName is not null && !a.MacAddressSpoofing));

    /// <summary>True when the parent host's WinNAT translates <paramref name="source"/> (its internal prefix holds it).</summary>
    private bool ParentNatsFor(string source) =>
        parent is { } p && p.Host.Read(h => h.NetNat?.InternalIPInterfaceAddressPrefix is { } prefix && Prefix.Parse(prefix) is { } nat && nat.Holds(IPAddress.Parse(source)));

    private static bool HostOwns(SimulatedHost h, string switchName, IPAddress target) =>
        h.NetAdapters.Find(a => string.Equals(a.Name, $"vEthernet ({switchName})", StringComparison.OrdinalIgnoreCase)) is { } adapter &&
        h.IPAddresses.Exists(ip => ip.InterfaceIndex == adapter.InterfaceIndex && IPAddress.Parse(ip.IPAddress).Equals(target));

    private static bool GuestOnSwitch(SimulatedHost h, string switchName, IPAddress target, Guid? except) =>
        h.Vms.Exists(v => v.Id != except && v.Guest is { } guest && v.StateAt(DateTimeOffset.UtcNow) == HyperV.VMState.Running &&
            v.NetworkAdapters.Exists(a => string.Equals(a.SwitchName, switchName, StringComparison.OrdinalIgnoreCase)) &&
            guest.Host.Read(g => g.IPAddresses.Exists(ip => IPAddress.Parse(ip.IPAddress).Equals(target))));

    /// <summary>Who answered: the machine itself, a lab machine, the parent host, the lab LAN, or a machine beyond a gateway.</summary>
    internal enum Kind
    {
        Self,
        Machine,
        ParentHost,
        Lan,
        Internet,
    }

    private sealed record Local(string Address, byte PrefixLength, int InterfaceIndex, string Alias, string? Gateway)
    {
        public bool Holds(IPAddress target) => new Prefix(IPAddress.Parse(Address), PrefixLength).Holds(target);
    }

    /// <summary>An address prefix such as 192.168.0.0/24.</summary>
    internal sealed record Prefix(IPAddress Network, int Length)
    {
        public static Prefix? Parse(string text) =>
            text.Split('/') is [var address, var length] && IPAddress.TryParse(address, out var network) && int.TryParse(length, out var bits) ? new Prefix(network, bits) : null;

        public bool Holds(IPAddress target)
        {
            if (target.AddressFamily != Network.AddressFamily || (target.AddressFamily != AddressFamily.InterNetwork && target.AddressFamily != AddressFamily.InterNetworkV6))
            {
                return false;
            }

            var a = Network.GetAddressBytes();
            var b = target.GetAddressBytes();
            for (var bit = 0; bit < Math.Min(Length, a.Length * 8); bit++)
            {
                var mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>The outcome of <see cref="SimulatedReachability.Reach"/>.</summary>
internal sealed record SimulatedRoute(bool Reached, SimulatedReachability.Kind Answerer, string? SourceAddress, string? InterfaceAlias, int? InterfaceIndex, string? NextHop);
