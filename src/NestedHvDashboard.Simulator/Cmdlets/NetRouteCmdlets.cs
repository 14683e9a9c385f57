using System.Globalization;
using System.Management.Automation;
using System.Net;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// The MSFT_NetRoute query parameters Get-NetRoute and Remove-NetRoute share. The simulated routing table is derived from the
/// addresses: each address has its on-link route (its prefix, next hop 0.0.0.0) and, when it was given a default gateway, the
/// default route 0.0.0.0/0 to it. Documented filters the simulator does not model (metrics, lifetimes, protocol, state,
/// compartments) are accepted and match every route.
/// </summary>
public abstract class NetRouteQueryCmdlet : SimulatedCimCmdlet
{
    private const string TypeName = "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetRoute";

    [Parameter(Position = 0, ParameterSetName = "ByName")]
    [ValidateNotNullOrEmpty]
    public string[]? DestinationPrefix { get; set; }

    [Parameter(ParameterSetName = "ByName", ValueFromPipelineByPropertyName = true)]
    [Alias("ifIndex")]
    public uint[]? InterfaceIndex { get; set; }

    [Parameter(ParameterSetName = "ByName", ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? InterfaceAlias { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    [ValidateNotNullOrEmpty]
    public string[]? NextHop { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    public AddressFamily[]? AddressFamily { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    [ValidateSet("No", "Age", "Yes")]
    public string[]? Publish { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    public ushort[]? RouteMetric { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    [ValidateSet("Other", "Local", "NetMgmt", "Icmp", "Egp", "Ggp", "Hello", "Rip", "IsIs", "EsIs", "Igrp", "Bbn", "Ospf", "Bgp", "Idpr", "Eigrp", "Dvmrp", "Rpl", "Dhcp")]
    public string[]? Protocol { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    public uint[]? CompartmentId { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    public TimeSpan[]? ValidLifetime { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    public TimeSpan[]? PreferredLifetime { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    public string[]? State { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    public uint[]? InterfaceMetric { get; set; }

    [Parameter(ParameterSetName = "ByName", ValueFromPipeline = true)]
    public PSObject? AssociatedIPInterface { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    [ValidateSet("ActiveStore", "PersistentStore")]
    public string? PolicyStore { get; set; }

    [Parameter(ParameterSetName = "ByName")]
    public SwitchParameter IncludeAllCompartments { get; set; }

    /// <summary>The routes matching every filter given.</summary>
    internal List<SimulatedRouteEntry> Query(SimulatedHost h) => [.. Routes(h).Where(r =>
        (DestinationPrefix is null || DestinationPrefix.Any(p => NameMatches(p, r.DestinationPrefix))) &&
        (InterfaceIndex is null || InterfaceIndex.Contains((uint)r.InterfaceIndex)) &&
        (InterfaceAlias is null || InterfaceAlias.Any(a => NameMatches(a, r.InterfaceAlias))) &&
        (NextHop is null || NextHop.Any(n => NameMatches(n, r.NextHop))) &&
        (AddressFamily is null || AddressFamily.Contains(r.Family)))];

    /// <summary>The routing table the addresses make.</summary>
    internal static IEnumerable<SimulatedRouteEntry> Routes(SimulatedHost h)
    {
        foreach (var ip in h.IPAddresses.Where(ip => ip.AddressFamily == HyperV.AddressFamily.IPv4))
        {
            var alias = h.NetAdapters.Find(a => a.InterfaceIndex == ip.InterfaceIndex)?.Name ?? "";
            var bytes = IPAddress.Parse(ip.IPAddress).GetAddressBytes();
            var mask = ip.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - ip.PrefixLength);
            var value = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) & mask;
            var network = string.Create(CultureInfo.InvariantCulture, $"{value >> 24}.{(value >> 16) & 0xFF}.{(value >> 8) & 0xFF}.{value & 0xFF}/{ip.PrefixLength}");
            yield return new SimulatedRouteEntry(network, "0.0.0.0", ip.InterfaceIndex, alias, HyperV.AddressFamily.IPv4, ip);
            if (ip.DefaultGateway is { Length: > 0 } gateway)
            {
                yield return new SimulatedRouteEntry("0.0.0.0/0", gateway, ip.InterfaceIndex, alias, HyperV.AddressFamily.IPv4, ip);
            }
        }
    }

    /// <summary>A route as the CDXML cmdlets return it.</summary>
    internal static PSObject Shown(SimulatedRouteEntry route)
    {
        var row = new PSObject();
        row.Properties.Add(new PSNoteProperty("DestinationPrefix", route.DestinationPrefix));
        row.Properties.Add(new PSNoteProperty("NextHop", route.NextHop));
        row.Properties.Add(new PSNoteProperty("InterfaceIndex", route.InterfaceIndex));
        row.Properties.Add(new PSNoteProperty("InterfaceAlias", route.InterfaceAlias));
        row.Properties.Add(new PSNoteProperty("AddressFamily", route.Family));
        row.Properties.Add(new PSNoteProperty("RouteMetric", route.DestinationPrefix == "0.0.0.0/0" ? 0 : 256));
        row.Properties.Add(new PSNoteProperty("Protocol", "NetMgmt"));
        row.Properties.Add(new PSNoteProperty("Store", "ActiveStore"));
        row.TypeNames.Insert(0, TypeName);
        return row;
    }

    /// <summary>The CDXML cmdlets' answer when the query matches nothing.</summary>
    internal static ErrorRecord NotFound(string command)
    {
        const string Message = "No matching MSFT_NetRoute objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetRoute class on the  CIM server: SELECT * FROM MSFT_NetRoute. Verify query parameters and retry.";
        return Error(Message, "CmdletizationQuery_NotFound," + command, ErrorCategory.ObjectNotFound, null, new ItemNotFoundException(Message));
    }
}

/// <summary>One route of the simulated table: the address it comes from.</summary>
internal sealed record SimulatedRouteEntry(string DestinationPrefix, string NextHop, int InterfaceIndex, string InterfaceAlias, AddressFamily Family, SimulatedIPAddress Source);

/// <summary>Get-NetRoute: the routes matching every filter given; a filter on prefix, interface or next hop that matches nothing is an error, as in Windows.</summary>
[Cmdlet(VerbsCommon.Get, "NetRoute", DefaultParameterSetName = "ByName")]
public sealed class GetNetRouteCommand : NetRouteQueryCmdlet
{
    protected override void ProcessRecord()
    {
        var found = Sim.Read(h => Query(h).Select(Shown).ToList());
        if (found.Count == 0 && (DestinationPrefix is not null || InterfaceIndex is not null || InterfaceAlias is not null || NextHop is not null))
        {
            WriteError(NotFound("Get-NetRoute"));
        }

        foreach (var route in found)
        {
            WriteObject(route);
        }
    }
}

/// <summary>
/// Remove-NetRoute: removes the matching default routes (the address keeps its prefix; its gateway goes). An on-link route is
/// part of its address in the simulator: matching one removes nothing (Remove-NetIPAddress removes it). Like Windows it asks
/// for confirmation: scripts pass -Confirm:$false.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "NetRoute", DefaultParameterSetName = "ByName", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveNetRouteCommand : NetRouteQueryCmdlet
{
    [Parameter(ParameterSetName = "InputObject (cdxml)", Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public PSObject[]? InputObject { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var chosen = Sim.Read(h => InputObject is not null
            ? [.. Routes(h).Where(r => InputObject.Any(o => string.Equals(o.Properties["DestinationPrefix"]?.Value?.ToString(), r.DestinationPrefix, StringComparison.Ordinal)
                && string.Equals(o.Properties["NextHop"]?.Value?.ToString(), r.NextHop, StringComparison.Ordinal)
                && Convert.ToInt32(o.Properties["InterfaceIndex"]?.Value ?? -1, CultureInfo.InvariantCulture) == r.InterfaceIndex))]
            : Query(h));
        if (chosen.Count == 0)
        {
            WriteError(NotFound("Remove-NetRoute"));
            return;
        }

        foreach (var route in chosen.Where(r => r.DestinationPrefix == "0.0.0.0/0"))
        {
            if (!ShouldProcess($"{route.DestinationPrefix} via {route.NextHop} on {route.InterfaceAlias}", "Remove-NetRoute"))
            {
                continue;
            }

            Sim.Update(h =>
            {
                foreach (var ip in h.IPAddresses.Where(ip => ip.InterfaceIndex == route.InterfaceIndex && ip.DefaultGateway == route.NextHop))
                {
                    ip.DefaultGateway = null;
                }

                return 0;
            });
            if (PassThru)
            {
                WriteObject(Shown(route));
            }
        }
    }
}
