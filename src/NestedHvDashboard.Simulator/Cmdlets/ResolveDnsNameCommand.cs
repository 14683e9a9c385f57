using System.Management.Automation;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Resolve-DnsName against the simulated network: "localhost" and the machine's own name answer from the machine; other
/// names need a DNS server (-Server, or one set on an interface with Set-DnsClientServerAddress) that the machine reaches
/// (see <see cref="SimulatedReachability"/>), and then a dotted name answers with an address of the simulated internet
/// (203.0.113.0/24, the documentation range, the same address for the same name) while a single-label name does not exist.
/// No server, or none reachable, times out as Windows does. -CacheOnly finds only the machine's own names.
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "DnsName")]
public sealed class ResolveDnsNameCommand : SimulatorCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The record type; the simulated network has A records only (A_AAAA, A, ANY and ALL find them).</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateSet("UNKNOWN", "A_AAAA", "A", "NS", "MD", "MF", "CNAME", "SOA", "MB", "MG", "MR", "NULL", "WKS", "PTR", "HINFO", "MINFO", "MX", "TXT", "RP", "AFSDB", "X25", "ISDN", "RT", "AAAA", "SRV", "DNAME", "OPT", "DS", "RRSIG", "NSEC", "DNSKEY", "DHCID", "NSEC3", "NSEC3PARAM", "ANY", "ALL", "WINS", IgnoreCase = true)]
    public string Type { get; set; } = "A_AAAA";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Server { get; set; }

    [Parameter]
    public SwitchParameter DnsOnly { get; set; }

    [Parameter]
    public SwitchParameter CacheOnly { get; set; }

    [Parameter]
    public SwitchParameter DnssecOk { get; set; }

    [Parameter]
    public SwitchParameter DnssecCd { get; set; }

    [Parameter]
    public SwitchParameter NoHostsFile { get; set; }

    [Parameter]
    public SwitchParameter LlmnrNetbiosOnly { get; set; }

    [Parameter]
    public SwitchParameter LlmnrFallback { get; set; }

    [Parameter]
    public SwitchParameter LlmnrOnly { get; set; }

    [Parameter]
    public SwitchParameter NetbiosFallback { get; set; }

    [Parameter]
    public SwitchParameter NoIdn { get; set; }

    [Parameter]
    public SwitchParameter NoRecursion { get; set; }

    [Parameter]
    public SwitchParameter QuickTimeout { get; set; }

    [Parameter]
    public SwitchParameter TcpOnly { get; set; }

    protected override void ProcessRecord()
    {
        var (address, failure) = Lookup(this, Name, Server, CacheOnly);
        if (failure is not null)
        {
            WriteError(failure);
            return;
        }

        if (Type.ToUpperInvariant() is not ("A_AAAA" or "A" or "ANY" or "ALL"))
        {
            return;
        }

        var record = new PSObject();
        record.Properties.Add(new PSNoteProperty("Name", Name));
        record.Properties.Add(new PSNoteProperty("Type", "A"));
        record.Properties.Add(new PSNoteProperty("TTL", 3600));
        record.Properties.Add(new PSNoteProperty("Section", "Answer"));
        record.Properties.Add(new PSNoteProperty("IPAddress", address!.ToString()));
        record.Properties.Add(new PSNoteProperty("IP4Address", address.ToString()));
        record.TypeNames.Insert(0, "Microsoft.DnsClient.Commands.DnsRecord_A");
        WriteOutput(record);
    }

    /// <summary>Resolves <paramref name="name"/> for the machine <paramref name="cmdlet"/> runs on: the address, or Windows' error.</summary>
    internal static (IPAddress? Address, ErrorRecord? Failure) Lookup(SimulatorCmdlet cmdlet, string name, string[]? servers, bool cacheOnly)
    {
        if (IPAddress.TryParse(name, out var literal))
        {
            return (literal, null);
        }

        var (hostName, ownAddress, configured) = cmdlet.Sim.Read(h => (h.Name, h.IPAddresses.FirstOrDefault(ip => ip.AddressFamily == HyperV.AddressFamily.IPv4)?.IPAddress, h.NetAdapters.SelectMany(a => a.DnsServers).ToList()));
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return (IPAddress.Loopback, null);
        }

        if (SimulatorCmdlet.NamesThisHost(name, hostName) && !string.Equals(name, ".", StringComparison.Ordinal))
        {
            return (ownAddress is null ? IPAddress.Loopback : IPAddress.Parse(ownAddress), null);
        }

        var reach = new SimulatedReachability(cmdlet);
        var asked = servers ?? [.. configured];
        if (cacheOnly)
        {
            return (null, NameError(name));
        }

        if (asked.Length == 0 || asked.All(s => !IPAddress.TryParse(s, out var server) || !reach.Reach(server).Reached))
        {
            var message = $"{name} : This operation returned because the timeout period expired";
            return (null, SimulatorCmdlet.Error(message, "ERROR_TIMEOUT,Microsoft.DnsClient.Commands.ResolveDnsName", ErrorCategory.OperationTimeout, name, new TimeoutException(message)));
        }

        return name.TrimEnd('.').Contains('.', StringComparison.Ordinal) ? (InternetAddress(name), null) : (null, NameError(name));
    }

    /// <summary>The simulated internet's address for a name: in 203.0.113.0/24, the same for the same name.</summary>
    internal static IPAddress InternetAddress(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name.TrimEnd('.').ToUpperInvariant()));
        return new IPAddress([203, 0, 113, (byte)(1 + (hash[0] % 254))]);
    }

    private static ErrorRecord NameError(string name)
    {
        var message = $"{name} : DNS name does not exist";
        return SimulatorCmdlet.Error(message, "DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName", ErrorCategory.ResourceUnavailable, name, new ItemNotFoundException(message));
    }
}
