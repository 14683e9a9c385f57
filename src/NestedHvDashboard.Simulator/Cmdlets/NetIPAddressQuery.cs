using System.Globalization;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// The MSFT_NetIPAddress query parameters Get-NetIPAddress and Remove-NetIPAddress share: every filter given must match.
/// The simulated host has one network compartment, so -IncludeAllCompartments changes nothing.
/// </summary>
public abstract class NetIPAddressQueryCmdlet : SimulatedCimCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("LocalAddress")]
    [ValidateNotNullOrEmpty]
    public string[]? IPAddress { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ifIndex")]
    public int[]? InterfaceIndex { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? InterfaceAlias { get; set; }

    [Parameter]
    public AddressFamily[]? AddressFamily { get; set; }

    [Parameter]
    [ValidateSet("Unicast", "Anycast")]
    public string[]? Type { get; set; }

    [Parameter]
    public byte[]? PrefixLength { get; set; }

    [Parameter]
    [ValidateSet("Other", "Manual", "WellKnown", "Dhcp", "RouterAdvertisement")]
    public string[]? PrefixOrigin { get; set; }

    [Parameter]
    [ValidateSet("Other", "Manual", "WellKnown", "Dhcp", "Link", "Random")]
    public string[]? SuffixOrigin { get; set; }

    /// <summary>Duplicate address detection state; every simulated address is Preferred.</summary>
    [Parameter]
    [ValidateSet("Invalid", "Tentative", "Duplicate", "Deprecated", "Preferred")]
    public string[]? AddressState { get; set; }

    [Parameter]
    public TimeSpan[]? ValidLifetime { get; set; }

    [Parameter]
    public TimeSpan[]? PreferredLifetime { get; set; }

    [Parameter]
    public bool[]? SkipAsSource { get; set; }

    [Parameter]
    [ValidateSet("ActiveStore", "PersistentStore")]
    public string? PolicyStore { get; set; }

    [Parameter]
    public SwitchParameter IncludeAllCompartments { get; set; }

    /// <summary>The host's addresses matching every filter given.</summary>
    internal IEnumerable<SimulatedIPAddress> Query(SimulatedHost h) => h.IPAddresses.Where(ip =>
        (IPAddress is null || IPAddress.Any(p => NameMatches(p, ip.IPAddress))) &&
        (InterfaceIndex is null || InterfaceIndex.Contains(ip.InterfaceIndex)) &&
        (InterfaceAlias is null || InterfaceAlias.Any(a => h.NetAdapters.Exists(n => n.InterfaceIndex == ip.InterfaceIndex && NameMatches(a, n.Name)))) &&
        (AddressFamily is null || AddressFamily.Contains(ip.AddressFamily)) &&
        (Type is null || Type.Contains(ip.StoredSettings.GetValueOrDefault("Type", "Unicast"), StringComparer.OrdinalIgnoreCase)) &&
        (PrefixLength is null || PrefixLength.Contains(ip.PrefixLength)) &&
        (PrefixOrigin is null || PrefixOrigin.Contains(ip.PrefixOrigin, StringComparer.OrdinalIgnoreCase)) &&
        (SuffixOrigin is null || SuffixOrigin.Contains(ip.PrefixOrigin, StringComparer.OrdinalIgnoreCase)) &&
        (AddressState is null || AddressState.Contains("Preferred", StringComparer.OrdinalIgnoreCase)) &&
        (ValidLifetime is null || ValidLifetime.Contains(Lifetime(ip, "ValidLifetime"))) &&
        (PreferredLifetime is null || PreferredLifetime.Contains(Lifetime(ip, "PreferredLifetime"))) &&
        (SkipAsSource is null || SkipAsSource.Contains(ip.StoredSettings.Flag("SkipAsSource", false))));

    private static TimeSpan Lifetime(SimulatedIPAddress ip, string key) =>
        ip.StoredSettings.TryGetValue(key, out var text) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : TimeSpan.MaxValue;

    /// <summary>The CDXML cmdlets' answer when the query matches nothing.</summary>
    internal ErrorRecord NotFound(string command)
    {
        var filter = IPAddress is not null ? $"((IPAddress LIKE '{string.Join("' OR IPAddress LIKE '", IPAddress)}'))" : "";
        var message = $"No matching MSFT_NetIPAddress objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetIPAddress class on the  CIM server: SELECT * FROM MSFT_NetIPAddress {(filter.Length > 0 ? " WHERE " + filter : "")}. Verify query parameters and retry.";
        return Error(message, "CmdletizationQuery_NotFound," + command, ErrorCategory.ObjectNotFound, null, new ItemNotFoundException(message));
    }
}

/// <summary>
/// Remove-NetIPAddress: removes the addresses matching the query (or piped from Get-NetIPAddress), with the default gateway
/// set with them. Like Windows it asks for confirmation (ConfirmImpact High): scripts pass -Confirm:$false.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "NetIPAddress", DefaultParameterSetName = "Query (cdxml)", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(NetIPAddress))]
public sealed class RemoveNetIPAddressCommand : NetIPAddressQueryCmdlet
{
    [Parameter(ParameterSetName = "InputObject (cdxml)", Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public PSObject[]? InputObject { get; set; }

    /// <summary>Only addresses whose default gateway is this one (the gateway goes with them).</summary>
    [Parameter(ParameterSetName = "Query (cdxml)")]
    [ValidateNotNullOrEmpty]
    public string? DefaultGateway { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var chosen = Sim.Read(h => (InputObject is not null
                ? h.IPAddresses.Where(ip => InputObject.Any(o => Same(o, ip)))
                : Query(h).Where(ip => DefaultGateway is null || string.Equals(ip.DefaultGateway, DefaultGateway, StringComparison.OrdinalIgnoreCase)))
            .Select(ip => (ip.IPAddress, ip.InterfaceIndex, Shown: NetIPAddress.From(ip, h)))
            .ToList());
        if (chosen.Count == 0)
        {
            WriteError(NotFound("Remove-NetIPAddress"));
            return;
        }

        foreach (var (address, index, shown) in chosen)
        {
            if (!ShouldProcess($"{address} on {shown.InterfaceAlias}", "Remove-NetIPAddress"))
            {
                continue;
            }

            Sim.Update(h => h.IPAddresses.RemoveAll(ip => ip.IPAddress == address && ip.InterfaceIndex == index));
            if (PassThru)
            {
                Emit(shown, TypeNames.NetIPAddress);
            }
        }
    }

    private static bool Same(PSObject piped, SimulatedIPAddress ip) =>
        string.Equals(piped.Properties["IPAddress"]?.Value?.ToString(), ip.IPAddress, StringComparison.OrdinalIgnoreCase) &&
        piped.Properties["InterfaceIndex"]?.Value is { } index && Convert.ToInt32(index, CultureInfo.InvariantCulture) == ip.InterfaceIndex;
}
