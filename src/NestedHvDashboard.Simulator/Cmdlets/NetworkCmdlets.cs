using System.Globalization;
using System.Management.Automation;
using System.Net;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-NetAdapter.</summary>
[Cmdlet(VerbsCommon.Get, "NetAdapter", DefaultParameterSetName = "ByName")]
[OutputType(typeof(NetAdapter))]
public sealed class GetNetAdapterCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "ByName", Position = 0)]
    [Alias("ifAlias", "InterfaceAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "ByInstanceID")]
    [Alias("ifIndex")]
    public int[]? InterfaceIndex { get; set; }

    [Parameter(ParameterSetName = "ByInterfaceDescription", Mandatory = true)]
    [Alias("ifDesc")]
    [ValidateNotNullOrEmpty]
    public string[]? InterfaceDescription { get; set; }

    [Parameter]
    public SwitchParameter Physical { get; set; }

    [Parameter]
    public SwitchParameter IncludeHidden { get; set; }

    protected override void ProcessRecord()
    {
        var (adapters, missing) = Sim.Read(h =>
        {
            var all = h.NetAdapters.Where(a => !Physical || !a.InterfaceDescription.StartsWith("Hyper-V", StringComparison.Ordinal)).ToList();
            var chosen = all.Where(a =>
                (Name is null || Name.Any(n => NameMatches(n, a.Name))) &&
                (InterfaceIndex is null || InterfaceIndex.Contains(a.InterfaceIndex)) &&
                (InterfaceDescription is null || InterfaceDescription.Any(d => NameMatches(d, a.InterfaceDescription))));
            var notFound = (Name ?? []).Where(n => !IsWildcard(n) && !all.Exists(a => NameMatches(n, a.Name))).Select(n => ("Name", (object)n))
                .Concat((InterfaceIndex ?? []).Where(i => !all.Exists(a => a.InterfaceIndex == i)).Select(i => ("InterfaceIndex", (object)i)))
                .ToList();
            return (chosen.Select(a => NetAdapter.From(a, h)).ToList(), notFound);
        });
        foreach (var (property, value) in missing)
        {
            WriteError(Error(
                $"No MSFT_NetAdapter objects found with property '{property}' equal to '{value}'.  Verify the value of the property and retry.",
                "CmdletizationQuery_NotFound_" + property + ",Get-NetAdapter",
                ErrorCategory.ObjectNotFound,
                value,
                new ItemNotFoundException($"No MSFT_NetAdapter objects found with property '{property}' equal to '{value}'.  Verify the value of the property and retry.")));
        }

        EmitAll(adapters, TypeNames.NetAdapter);
    }
}

/// <summary>Get-NetIPAddress.</summary>
[Cmdlet(VerbsCommon.Get, "NetIPAddress")]
[OutputType(typeof(NetIPAddress))]
public sealed class GetNetIPAddressCommand : SimulatorCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
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
    public byte[]? PrefixLength { get; set; }

    protected override void ProcessRecord()
    {
        var found = Sim.Read(h => h.IPAddresses
            .Where(ip =>
                (IPAddress is null || IPAddress.Any(p => NameMatches(p, ip.IPAddress))) &&
                (InterfaceIndex is null || InterfaceIndex.Contains(ip.InterfaceIndex)) &&
                (InterfaceAlias is null || InterfaceAlias.Any(a => h.NetAdapters.Exists(n => n.InterfaceIndex == ip.InterfaceIndex && NameMatches(a, n.Name)))) &&
                (AddressFamily is null || AddressFamily.Contains(ip.AddressFamily)) &&
                (PrefixLength is null || PrefixLength.Contains(ip.PrefixLength)))
            .Select(ip => NetIPAddress.From(ip, h))
            .ToList());
        if (found.Count == 0 && (IPAddress is not null || InterfaceIndex is not null || InterfaceAlias is not null))
        {
            var message = "No matching MSFT_NetIPAddress objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetIPAddress class on the  CIM server. Verify query parameters and retry.";
            WriteError(Error(message, "CmdletizationQuery_NotFound,Get-NetIPAddress", ErrorCategory.ObjectNotFound, null, new ItemNotFoundException(message)));
        }

        EmitAll(found, TypeNames.NetIPAddress);
    }
}

/// <summary>New-NetIPAddress: by -InterfaceAlias or -InterfaceIndex, both bindable from Get-NetAdapter's output.</summary>
[Cmdlet(VerbsCommon.New, "NetIPAddress", DefaultParameterSetName = "ByInterfaceAlias", SupportsShouldProcess = true)]
[OutputType(typeof(NetIPAddress))]
public sealed class NewNetIPAddressCommand : SimulatorCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("LocalAddress")]
    [ValidateNotNullOrEmpty]
    public string IPAddress { get; set; } = "";

    [Parameter(ParameterSetName = "ByInterfaceAlias", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ValidateNotNullOrEmpty]
    public string? InterfaceAlias { get; set; }

    [Parameter(ParameterSetName = "ByInterfaceIndex", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifIndex")]
    public int InterfaceIndex { get; set; }

    [Parameter]
    public string? DefaultGateway { get; set; }

    [Parameter]
    public HyperV.AddressFamily? AddressFamily { get; set; }

    [Parameter]
    [Alias("Length")]
    public byte? PrefixLength { get; set; }

    [Parameter]
    public string? Type { get; set; }

    [Parameter]
    public string? PolicyStore { get; set; }

    [Parameter]
    public bool? SkipAsSource { get; set; }

    protected override void ProcessRecord()
    {
        if (!System.Net.IPAddress.TryParse(IPAddress, out var address))
        {
            WriteError(InvalidArgument($"The IP address '{IPAddress}' is not valid."));
            return;
        }

        var family = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? HyperV.AddressFamily.IPv6 : HyperV.AddressFamily.IPv4;
        var maxPrefix = family == HyperV.AddressFamily.IPv4 ? 32 : 128;
        if ((AddressFamily is { } requested && requested != family) || PrefixLength > maxPrefix ||
            (DefaultGateway is not null && !System.Net.IPAddress.TryParse(DefaultGateway, out _)))
        {
            WriteError(InvalidArgument("The parameter is incorrect."));
            return;
        }

        var target = InterfaceAlias ?? InterfaceIndex.ToString(CultureInfo.InvariantCulture);
        if (!ShouldProcess(target, $"New-NetIPAddress {IPAddress}"))
        {
            return;
        }

        var (created, error) = Sim.Update<(NetIPAddress[]?, ErrorRecord?)>(h =>
        {
            var adapter = InterfaceAlias is not null
                ? h.NetAdapters.Find(a => string.Equals(a.Name, InterfaceAlias, StringComparison.OrdinalIgnoreCase))
                : h.NetAdapters.Find(a => a.InterfaceIndex == InterfaceIndex);
            if (adapter is null)
            {
                var property = InterfaceAlias is not null ? "InterfaceAlias" : "InterfaceIndex";
                var message = $"No MSFT_NetIPInterface objects found with property '{property}' equal to '{target}'.  Verify the value of the property and retry.";
                return (null, Error(message, "CmdletizationQuery_NotFound_" + property + ",New-NetIPAddress", ErrorCategory.ObjectNotFound, target, new ItemNotFoundException(message)));
            }

            if (h.IPAddresses.Exists(ip => System.Net.IPAddress.Parse(ip.IPAddress).Equals(address) && ip.InterfaceIndex == adapter.InterfaceIndex))
            {
                return (null, Error("The object already exists.", "Windows System Error 5010,New-NetIPAddress", ErrorCategory.ResourceExists, IPAddress));
            }

            if (DefaultGateway is not null && h.IPAddresses.Exists(ip => ip.InterfaceIndex == adapter.InterfaceIndex && ip.DefaultGateway is not null))
            {
                return (null, Error("Instance DefaultGateway already exists", "Windows System Error 1,New-NetIPAddress", ErrorCategory.ResourceExists, DefaultGateway));
            }

            var ip = new SimulatedIPAddress
            {
                IPAddress = address.ToString(),
                InterfaceIndex = adapter.InterfaceIndex,
                AddressFamily = family,
                PrefixLength = PrefixLength ?? (byte)maxPrefix,
                DefaultGateway = DefaultGateway,
            };
            h.IPAddresses.Add(ip);
            return (new[] { NetIPAddress.From(ip, h, "ActiveStore"), NetIPAddress.From(ip, h, "PersistentStore") }, (ErrorRecord?)null);
        });
        if (error is not null)
        {
            WriteError(error);
            return;
        }

        EmitAll(created!, TypeNames.NetIPAddress);
    }

    private static ErrorRecord InvalidArgument(string message) =>
        Error(message, "Windows System Error 87,New-NetIPAddress", ErrorCategory.InvalidArgument, null, new ArgumentException(message));
}

/// <summary>Get-NetNat.</summary>
[Cmdlet(VerbsCommon.Get, "NetNat")]
[OutputType(typeof(NetNat))]
public sealed class GetNetNatCommand : SimulatorCmdlet
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
public sealed class NewNetNatCommand : SimulatorCmdlet
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

    protected override void ProcessRecord()
    {
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
[Cmdlet(VerbsCommon.Remove, "NetNat", DefaultParameterSetName = "Query", SupportsShouldProcess = true)]
[OutputType(typeof(NetNat))]
public sealed class RemoveNetNatCommand : SimulatorCmdlet
{
    [Parameter(ParameterSetName = "Query", Position = 0)]
    [Alias("ElementName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "InputObject", Mandatory = true, ValueFromPipeline = true)]
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
