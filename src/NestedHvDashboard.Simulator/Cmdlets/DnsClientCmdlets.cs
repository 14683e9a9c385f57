using System.Management.Automation;
using System.Net;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-DnsClientServerAddress: the DNS servers set per host interface.</summary>
[Cmdlet(VerbsCommon.Get, "DnsClientServerAddress")]
public sealed class GetDnsClientServerAddressCommand : SimulatedCimCmdlet
{
    [Parameter(Position = 0)]
    [Alias("ifAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? InterfaceAlias { get; set; }

    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifIndex")]
    public int[]? InterfaceIndex { get; set; }

    /// <summary>IPv4 or IPv6; the simulated DNS client has IPv4 servers only, so IPv6 rows list none.</summary>
    [Parameter]
    [Alias("Family")]
    public AddressFamily[]? AddressFamily { get; set; }

    protected override void ProcessRecord()
    {
        var families = AddressFamily ?? [HyperV.AddressFamily.IPv4, HyperV.AddressFamily.IPv6];
        var rows = Sim.Read(h => h.NetAdapters
            .Where(a => (InterfaceAlias is null || InterfaceAlias.Any(n => NameMatches(n, a.Name))) && (InterfaceIndex is null || InterfaceIndex.Contains(a.InterfaceIndex)))
            .SelectMany(a => families.Select(f => (Adapter: a, Family: f)))
            .Select(row => DnsRow(row.Adapter, row.Family))
            .ToList());
        foreach (var row in rows)
        {
            WriteOutput(row);
        }
    }

    /// <summary>One MSFT_DNSClientServerAddress row: an interface's servers of one address family.</summary>
    internal static PSObject DnsRow(State.SimulatedNetAdapter a, AddressFamily family)
    {
        var row = new PSObject();
        row.Properties.Add(new PSNoteProperty("InterfaceAlias", a.Name));
        row.Properties.Add(new PSNoteProperty("InterfaceIndex", a.InterfaceIndex));
        row.Properties.Add(new PSNoteProperty("AddressFamily", (int)family));
        row.Properties.Add(new PSNoteProperty("ServerAddresses", family == HyperV.AddressFamily.IPv4 ? a.DnsServers.ToArray() : Array.Empty<string>()));
        row.TypeNames.Insert(0, TypeNames.DnsClientServerAddress);
        return row;
    }
}

/// <summary>
/// Set-DnsClientServerAddress: replaces (or resets) an interface's DNS server list, by alias, index or piped
/// Get-DnsClientServerAddress rows. -Validate refuses servers the simulated network cannot reach (see Test-NetConnection).
/// </summary>
[Cmdlet(VerbsCommon.Set, "DnsClientServerAddress", DefaultParameterSetName = "ByAlias", SupportsShouldProcess = true)]
public sealed class SetDnsClientServerAddressCommand : SimulatedCimCmdlet
{
    [Parameter(ParameterSetName = "ByAlias", Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? InterfaceAlias { get; set; }

    [Parameter(ParameterSetName = "ByName", Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifIndex")]
    public int[]? InterfaceIndex { get; set; }

    [Parameter(ParameterSetName = "InputObject (cdxml)", Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public PSObject[]? InputObject { get; set; }

    [Parameter]
    [Alias("Addresses")]
    public string[]? ServerAddresses { get; set; }

    [Parameter]
    [Alias("ResetAddresses")]
    public SwitchParameter ResetServerAddresses { get; set; }

    [Parameter]
    public SwitchParameter Validate { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var server in ServerAddresses ?? [])
        {
            if (!System.Net.IPAddress.TryParse(server, out _))
            {
                WriteError(Error("The parameter is incorrect.", "Windows System Error 87,Set-DnsClientServerAddress", ErrorCategory.InvalidArgument, server, new ArgumentException($"'{server}' is not an IP address.")));
                return;
            }
        }

        if (Validate && ServerAddresses is not null && new State.SimulatedReachability(this).FirstUnreachable(ServerAddresses) is { } silent)
        {
            WriteError(Error($"The DNS server {silent} did not respond: it cannot be validated.", "Windows System Error 1460,Set-DnsClientServerAddress", ErrorCategory.OperationTimeout, silent, new TimeoutException($"The DNS server {silent} did not respond.")));
            return;
        }

        var selectors = (object[]?)InterfaceAlias ?? InterfaceIndex?.Cast<object>().ToArray() ??
            InputObject!.Select(o => o.Properties["InterfaceIndex"]?.Value is { } index ? (object)Convert.ToInt32(index, System.Globalization.CultureInfo.InvariantCulture) : o.ToString()).ToArray();
        foreach (var selector in selectors)
        {
            if (!ShouldProcess(selector.ToString(), "Set-DnsClientServerAddress"))
            {
                continue;
            }

            var found = Sim.Update(h =>
            {
                var adapter = selector is string alias
                    ? h.NetAdapters.Find(a => string.Equals(a.Name, alias, StringComparison.OrdinalIgnoreCase))
                    : h.NetAdapters.Find(a => a.InterfaceIndex == (int)selector);
                if (adapter is null)
                {
                    return null;
                }

                adapter.DnsServers = ResetServerAddresses ? [] : (ServerAddresses ?? []).Select(s => IPAddress.Parse(s).ToString()).ToList();
                return GetDnsClientServerAddressCommand.DnsRow(adapter, AddressFamily.IPv4);
            });
            if (found is not null && PassThru)
            {
                WriteOutput(found);
            }

            if (found is null)
            {
                var message = $"No MSFT_DNSClientServerAddress objects found with property 'InterfaceAlias' equal to '{selector}'.  Verify the value of the property and retry.";
                WriteError(Error(message, "CmdletizationQuery_NotFound,Set-DnsClientServerAddress", ErrorCategory.ObjectNotFound, selector, new ItemNotFoundException(message)));
            }
        }
    }
}
