using System.Globalization;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-NetIPAddress: the addresses matching every filter given (see <see cref="NetIPAddressQueryCmdlet"/>).</summary>
[Cmdlet(VerbsCommon.Get, "NetIPAddress")]
[OutputType(typeof(NetIPAddress))]
public sealed class GetNetIPAddressCommand : NetIPAddressQueryCmdlet
{
    /// <summary>An IP interface (from Get-NetIPInterface): its addresses; the simulator reads its InterfaceIndex.</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject? AssociatedIPInterface { get; set; }

    protected override void ProcessRecord()
    {
        var index = AssociatedIPInterface?.Properties["InterfaceIndex"]?.Value is { } value ? (int?)Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;
        var found = Sim.Read(h => Query(h).Where(ip => index is null || ip.InterfaceIndex == index).Select(ip => NetIPAddress.From(ip, h, PolicyStore ?? "ActiveStore")).ToList());
        if (found.Count == 0 && (IPAddress is not null || InterfaceIndex is not null || InterfaceAlias is not null))
        {
            WriteError(NotFound("Get-NetIPAddress"));
        }

        EmitAll(found, TypeNames.NetIPAddress);
    }
}

/// <summary>New-NetIPAddress: by -InterfaceAlias or -InterfaceIndex, both bindable from Get-NetAdapter's output.</summary>
[Cmdlet(VerbsCommon.New, "NetIPAddress", DefaultParameterSetName = "ByInterfaceAlias", SupportsShouldProcess = true)]
[OutputType(typeof(NetIPAddress))]
public sealed class NewNetIPAddressCommand : SimulatedCimCmdlet
{
    private static readonly string[] BothStores = ["ActiveStore", "PersistentStore"];

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
    [ValidateSet("Unicast", "Anycast")]
    public string? Type { get; set; }

    /// <summary>ActiveStore (the default creates the address in both stores, as Windows does) or PersistentStore.</summary>
    [Parameter]
    [ValidateSet("ActiveStore", "PersistentStore")]
    public string? PolicyStore { get; set; }

    [Parameter]
    public bool? SkipAsSource { get; set; }

    [Parameter]
    public TimeSpan? ValidLifetime { get; set; }

    [Parameter]
    public TimeSpan? PreferredLifetime { get; set; }

    protected override void ProcessRecord()
    {
        if (!System.Net.IPAddress.TryParse(IPAddress, out var address))
        {
            WriteError(InvalidArgument($"The IP address '{IPAddress}' is not valid."));
            return;
        }

        var family = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? HyperV.AddressFamily.IPv6 : HyperV.AddressFamily.IPv4;
        var maxPrefix = family == HyperV.AddressFamily.IPv4 ? 32 : 128;
        if ((AddressFamily is { } requested && requested != family) || PrefixLength > maxPrefix || PreferredLifetime > ValidLifetime ||
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
            StoreBound(ip.StoredSettings, "", "Type", "SkipAsSource", "ValidLifetime", "PreferredLifetime");
            h.IPAddresses.Add(ip);
            var stores = PolicyStore is { } only ? [only] : BothStores;
            return (stores.Select(store => NetIPAddress.From(ip, h, store)).ToArray(), (ErrorRecord?)null);
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
