namespace NestedHvDashboard.Core.Networking;

/// <summary>One command of an L2 address change and where it runs ("on host hv1", "in lab-l1", "in lab-l1 → in lab-l2-web").</summary>
public sealed record L2PlannedCommand(string Where, PlannedCommand Command);

/// <summary>The exact commands that apply an L2 guest's address, in order, each with where it runs, for the review dialog and the audit.</summary>
public static class L2AddressCommands
{
    /// <summary>The route every default gateway is.</summary>
    public const string DefaultRoute = "0.0.0.0/0";

    /// <summary>
    /// PowerShell Direct into the L1 from its host, into the L2 from the L1, then inside the L2: the adapter's default route and
    /// IPv4 addresses removed, the new address with its gateway, the DNS server. A failing step puts the earlier addresses back.
    /// </summary>
    public static IReadOnlyList<L2PlannedCommand> For(string hostName, string l1VmName, string l2VmName, L2AddressRequest request, Guid? l1VmId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inL1 = $"in {l1VmName}";
        var inL2 = $"in {l1VmName} → in {l2VmName}";
        var alias = request.InterfaceAlias;
        List<PlannedParameter> address = [new("InterfaceAlias", alias), new("IPAddress", request.IpAddress), new("PrefixLength", request.PrefixLength)];
        if (!string.IsNullOrWhiteSpace(request.Gateway))
        {
            address.Add(new("DefaultGateway", request.Gateway));
        }

        List<L2PlannedCommand> commands =
        [
            new($"on host {hostName}", new("Invoke-Command", [l1VmId is { } id ? new("VMId", id.ToString()) : new("VMName", l1VmName), new("Credential", $"(the credential of {l1VmName})")])),
            new(inL1, new("Invoke-Command", [new("VMName", l2VmName), new("Credential", $"(the credential of {l2VmName})")])),
            new(inL2, new("Remove-NetRoute", [new("DestinationPrefix", DefaultRoute), new("InterfaceAlias", alias), new("Confirm", false)])),
            new(inL2, new("Remove-NetIPAddress", [new("InterfaceAlias", alias), new("AddressFamily", "IPv4"), new("Confirm", false)])),
            new(inL2, new("New-NetIPAddress", address)),
        ];
        if (!string.IsNullOrWhiteSpace(request.DnsServer))
        {
            commands.Add(new(inL2, new("Set-DnsClientServerAddress", [new("InterfaceAlias", alias), new("ServerAddresses", new[] { request.DnsServer })])));
        }

        return commands;
    }
}
