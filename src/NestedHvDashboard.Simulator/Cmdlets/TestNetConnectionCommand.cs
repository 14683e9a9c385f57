using System.Management.Automation;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Test-NetConnection against the simulated network (<see cref="SimulatedReachability"/>, names by
/// <see cref="ResolveDnsNameCommand"/>): PingSucceeded when the target answers; with -Port or -CommonTCPPort,
/// TcpTestSucceeded when it answers and listens there — a lab machine on 135, 445, 3389, 5985 and 5986, the simulated
/// internet on 53, 80 and 443. Failures warn in Windows' words. -TraceRoute lists the gateway and the target;
/// -DiagnoseRouting reports the chosen source and route; -InformationLevel Quiet returns only the Boolean.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "NetConnection", DefaultParameterSetName = "ICMP")]
public sealed class TestNetConnectionCommand : SimulatorCmdlet
{
    private static readonly int[] MachinePorts = [135, 445, 3389, 5985, 5986];
    private static readonly int[] InternetPorts = [53, 80, 443];

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("RemoteAddress", "cn")]
    [ValidateNotNullOrEmpty]
    public string ComputerName { get; set; } = "internetbeacon.msedge.net";

    [Parameter(ParameterSetName = "ICMP")]
    public SwitchParameter TraceRoute { get; set; }

    [Parameter(ParameterSetName = "ICMP")]
    [ValidateRange(1, 120)]
    public int Hops { get; set; } = 30;

    [Parameter(ParameterSetName = "CommonTCPPort", Position = 1, Mandatory = true)]
    [ValidateSet("HTTP", "RDP", "SMB", "WINRM")]
    public string? CommonTCPPort { get; set; }

    [Parameter(ParameterSetName = "RemotePort", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("RemotePort")]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter(ParameterSetName = "NetRouteDiagnostics", Mandatory = true)]
    public SwitchParameter DiagnoseRouting { get; set; }

    [Parameter(ParameterSetName = "NetRouteDiagnostics")]
    [ValidateNotNullOrEmpty]
    public string? ConstrainSourceAddress { get; set; }

    [Parameter(ParameterSetName = "NetRouteDiagnostics")]
    public uint? ConstrainInterface { get; set; }

    [Parameter]
    [ValidateSet("Quiet", "Detailed")]
    public string? InformationLevel { get; set; }

    /// <summary>-ComputerName is the target here, not the host to run on.</summary>
    internal override bool ComputerNameNamesHost => false;

    protected override void ProcessRecord()
    {
        var quiet = string.Equals(InformationLevel, "Quiet", StringComparison.OrdinalIgnoreCase);
        var (address, failure) = ResolveDnsNameCommand.Lookup(this, ComputerName, null, cacheOnly: false);
        if (address is null)
        {
            WriteWarning($"Name resolution of {ComputerName} failed{(failure?.Exception is TimeoutException ? " -- Status: This operation returned because the timeout period expired" : " -- Status: No such host is known")}");
            if (quiet)
            {
                WriteObject(false);
                return;
            }

            WriteObject(Result([("ComputerName", ComputerName), ("RemoteAddress", null), ("NameResolutionSucceeded", false), ("PingSucceeded", false)], "TestNetConnectionResult"));
            return;
        }

        var route = new SimulatedReachability(this).Reach(address, ConstrainInterface is { } i ? (int)i : null, ConstrainSourceAddress);
        if (DiagnoseRouting)
        {
            WriteObject(Result(
                [
                    ("ComputerName", ComputerName), ("RemoteAddress", address.ToString()), ("ConstrainInterfaceIndex", ConstrainInterface),
                    ("ConstrainSourceAddress", ConstrainSourceAddress), ("SelectedSourceAddress", route.SourceAddress), ("OutgoingInterfaceIndex", route.InterfaceIndex),
                    ("SelectedNetRoute", route.SourceAddress is null ? null : $"DestinationPrefix: {(route.NextHop is null ? "on-link" : "0.0.0.0/0")} NextHop: {route.NextHop ?? "0.0.0.0"}"),
                    ("RouteDiagnosticsSucceeded", route.SourceAddress is not null),
                ],
                "NetRouteDiagnostics"));
            return;
        }

        int? port = CommonTCPPort is { } common ? common.ToUpperInvariant() switch { "HTTP" => 80, "RDP" => 3389, "SMB" => 445, _ => 5985 } : Bound(nameof(Port)) ? Port : null;
        if (port is { } tcp)
        {
            var listens = route.Reached && (route.Answerer == SimulatedReachability.Kind.Internet ? InternetPorts : MachinePorts).Contains(tcp);
            if (!listens)
            {
                WriteWarning($"TCP connect to ({address} : {tcp}) failed");
                if (!route.Reached)
                {
                    WriteWarning($"Ping to {address} failed with status: TimedOut");
                }
            }

            WriteObject(quiet ? listens : Result(
                [
                    ("ComputerName", ComputerName), ("RemoteAddress", address.ToString()), ("RemotePort", tcp), ("InterfaceAlias", route.InterfaceAlias),
                    ("SourceAddress", route.SourceAddress), ("NameResolutionSucceeded", true), ("PingSucceeded", route.Reached), ("TcpTestSucceeded", listens),
                ],
                "TestNetConnectionResult"));
            return;
        }

        if (!route.Reached)
        {
            WriteWarning($"Ping to {address} failed with status: TimedOut");
        }

        if (quiet)
        {
            WriteObject(route.Reached);
            return;
        }

        var result = Result(
            [
                ("ComputerName", ComputerName), ("RemoteAddress", address.ToString()), ("InterfaceAlias", route.InterfaceAlias), ("SourceAddress", route.SourceAddress),
                ("NameResolutionSucceeded", true), ("PingSucceeded", route.Reached), ("NextHop", route.NextHop),
            ],
            "TestNetConnectionResult");
        if (TraceRoute)
        {
            string?[] hops = route.NextHop is null ? [address.ToString()] : [route.NextHop, route.Reached ? address.ToString() : "0.0.0.0"];
            result.Properties.Add(new PSNoteProperty("TraceRoute", hops.Take(Hops).ToArray()));
        }

        WriteObject(result);
    }

    private static PSObject Result(IEnumerable<(string Name, object? Value)> properties, string typeName)
    {
        var result = new PSObject();
        foreach (var (name, value) in properties)
        {
            result.Properties.Add(new PSNoteProperty(name, value));
        }

        result.TypeNames.Insert(0, typeName);
        return result;
    }
}
