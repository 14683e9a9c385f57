using System.Management.Automation;
using System.Net;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-DnsClientServerAddress: the DNS servers set per host interface.</summary>
[Cmdlet(VerbsCommon.Get, "DnsClientServerAddress")]
public sealed class GetDnsClientServerAddressCommand : SimulatorCmdlet
{
    [Parameter(Position = 0)]
    [Alias("ifAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? InterfaceAlias { get; set; }

    [Parameter]
    [Alias("ifIndex")]
    public int[]? InterfaceIndex { get; set; }

    protected override void ProcessRecord()
    {
        var rows = Sim.Read(h => h.NetAdapters
            .Where(a => (InterfaceAlias is null || InterfaceAlias.Any(n => NameMatches(n, a.Name))) && (InterfaceIndex is null || InterfaceIndex.Contains(a.InterfaceIndex)))
            .Select(a =>
            {
                var row = new PSObject();
                row.Properties.Add(new PSNoteProperty("InterfaceAlias", a.Name));
                row.Properties.Add(new PSNoteProperty("InterfaceIndex", a.InterfaceIndex));
                row.Properties.Add(new PSNoteProperty("AddressFamily", (int)HyperV.AddressFamily.IPv4));
                row.Properties.Add(new PSNoteProperty("ServerAddresses", a.DnsServers.ToArray()));
                return row;
            })
            .ToList());
        foreach (var row in rows)
        {
            row.TypeNames.Insert(0, TypeNames.DnsClientServerAddress);
            WriteObject(row);
        }
    }
}

/// <summary>Set-DnsClientServerAddress: replaces (or resets) an interface's DNS server list.</summary>
[Cmdlet(VerbsCommon.Set, "DnsClientServerAddress", DefaultParameterSetName = "ByAlias", SupportsShouldProcess = true)]
public sealed class SetDnsClientServerAddressCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "ByAlias", Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? InterfaceAlias { get; set; }

    [Parameter(ParameterSetName = "ByIndex", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifIndex")]
    public int[]? InterfaceIndex { get; set; }

    [Parameter]
    [Alias("Addresses")]
    public string[]? ServerAddresses { get; set; }

    [Parameter]
    public SwitchParameter ResetServerAddresses { get; set; }

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

        var selectors = (object[]?)InterfaceAlias ?? InterfaceIndex!.Cast<object>().ToArray();
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
                    return false;
                }

                adapter.DnsServers = ResetServerAddresses ? [] : (ServerAddresses ?? []).Select(s => IPAddress.Parse(s).ToString()).ToList();
                return true;
            });
            if (!found)
            {
                var message = $"No MSFT_DNSClientServerAddress objects found with property 'InterfaceAlias' equal to '{selector}'.  Verify the value of the property and retry.";
                WriteError(Error(message, "CmdletizationQuery_NotFound,Set-DnsClientServerAddress", ErrorCategory.ObjectNotFound, selector, new ItemNotFoundException(message)));
            }
        }
    }
}
