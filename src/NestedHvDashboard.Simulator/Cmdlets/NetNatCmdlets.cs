using System.Globalization;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-NetNat.</summary>
[Cmdlet(VerbsCommon.Get, "NetNat")]
[OutputType(typeof(NetNat))]
public sealed class GetNetNatCommand : SimulatedCimCmdlet
{
    [Parameter(Position = 0)]
    [Alias("ElementName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var nat = Sim.Read(h => h.NetNat is { } n ? NetNat.From(n) : null);
        foreach (var name in Name ?? [])
        {
            if (!IsWildcard(name) && (nat is null || !NameMatches(name, nat.Name)))
            {
                var message = $"No MSFT_NetNat objects found with property 'Name' equal to '{name}'.  Verify the value of the property and retry.";
                WriteError(Error(message, "CmdletizationQuery_NotFound_Name,Get-NetNat", ErrorCategory.ObjectNotFound, name, new ItemNotFoundException(message)));
            }
        }

        if (nat is not null && (Name is null || Name.Any(n => NameMatches(n, nat.Name))))
        {
            Emit(nat, TypeNames.NetNat);
        }
    }
}

/// <summary>New-NetNat: WinNAT supports one NAT network per host.</summary>
[Cmdlet(VerbsCommon.New, "NetNat", SupportsShouldProcess = true)]
[OutputType(typeof(NetNat))]
public sealed class NewNetNatCommand : SimulatedCimCmdlet
{
    [Parameter(Position = 0, Mandatory = true)]
    [Alias("ElementName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter]
    public string? InternalIPInterfaceAddressPrefix { get; set; }

    [Parameter]
    public string? ExternalIPInterfaceAddressPrefix { get; set; }

    [Parameter]
    public uint? IcmpQueryTimeout { get; set; }

    /// <summary>The GUID of the internal interface's routing domain: kept in the NAT's StoredSettings.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InternalRoutingDomainId { get; set; }

    protected override void ProcessRecord()
    {
        if (InternalRoutingDomainId is not null && !Guid.TryParse(InternalRoutingDomainId, out _))
        {
            WriteError(Incorrect($"'{InternalRoutingDomainId}' is not a routing domain GUID like {{bb47986c-f134-4a29-ad87-24010bf2c92f}}."));
            return;
        }

        if (InternalIPInterfaceAddressPrefix is null && ExternalIPInterfaceAddressPrefix is null ||
            (InternalIPInterfaceAddressPrefix is not null && !IsPrefix(InternalIPInterfaceAddressPrefix)) ||
            (ExternalIPInterfaceAddressPrefix is not null && !IsPrefix(ExternalIPInterfaceAddressPrefix)))
        {
            WriteError(Incorrect($"'{InternalIPInterfaceAddressPrefix ?? ExternalIPInterfaceAddressPrefix}' is not an address prefix like 192.168.0.0/24."));
            return;
        }

        if (!ShouldProcess(Name, "New-NetNat"))
        {
            return;
        }

        var (created, existing) = Sim.Update<(NetNat?, string?)>(h =>
        {
            if (h.NetNat is { } current)
            {
                return (null, current.Name);
            }

            h.NetNat = new SimulatedNetNat
            {
                Name = Name,
                InternalIPInterfaceAddressPrefix = InternalIPInterfaceAddressPrefix,
                ExternalIPInterfaceAddressPrefix = ExternalIPInterfaceAddressPrefix,
            };
            StoreBound(h.NetNat.StoredSettings, "", "InternalRoutingDomainId", "IcmpQueryTimeout");
            return (NetNat.From(h.NetNat), (string?)null);
        });
        if (existing is not null)
        {
            // WinNAT's own answer to a second NAT network is ERROR_INVALID_PARAMETER.
            WriteError(Incorrect($"WinNAT supports one NAT network per host, and '{existing}' already exists. Remove it with Remove-NetNat first."));
            return;
        }

        Emit(created!, TypeNames.NetNat);
    }

    private static bool IsPrefix(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2 && System.Net.IPAddress.TryParse(parts[0], out var ip) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length) &&
            length <= (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }

    private ErrorRecord Incorrect(string recommendedAction)
    {
        var error = Error("The parameter is incorrect.", "Windows System Error 87,New-NetNat", ErrorCategory.InvalidArgument, Name, new ArgumentException("The parameter is incorrect."));
        error.ErrorDetails = new ErrorDetails("The parameter is incorrect.") { RecommendedAction = recommendedAction };
        return error;
    }
}

/// <summary>Remove-NetNat: by name (wildcards), or every NAT when no name is given, or from the pipeline.</summary>
[Cmdlet(VerbsCommon.Remove, "NetNat", DefaultParameterSetName = "Query (cdxml)", SupportsShouldProcess = true)]
[OutputType(typeof(NetNat))]
public sealed class RemoveNetNatCommand : SimulatedCimCmdlet
{
    [Parameter(ParameterSetName = "Query (cdxml)", Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ElementName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "InputObject (cdxml)", Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public NetNat[]? InputObject { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var names = InputObject?.Select(n => n.Name).ToArray() ?? Name;
        var nat = Sim.Read(h => h.NetNat is { } n ? NetNat.From(n) : null);
        if (nat is null || (names is not null && !names.Any(n => NameMatches(n, nat.Name))))
        {
            foreach (var name in (names ?? []).Where(n => !IsWildcard(n)))
            {
                var message = $"No MSFT_NetNat objects found with property 'Name' equal to '{name}'.  Verify the value of the property and retry.";
                WriteError(Error(message, "CmdletizationQuery_NotFound_Name,Remove-NetNat", ErrorCategory.ObjectNotFound, name, new ItemNotFoundException(message)));
            }

            return;
        }

        if (!ShouldProcess(nat.Name, "Remove-NetNat"))
        {
            return;
        }

        Sim.Update(h => h.NetNat = null);
        if (PassThru)
        {
            Emit(nat, TypeNames.NetNat);
        }
    }
}
