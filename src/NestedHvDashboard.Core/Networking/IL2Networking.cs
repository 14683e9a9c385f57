namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// Networking inside an L2 guest, reached over two PowerShell Direct hops: from the L1's host into the L1, and from the L1 into
/// the L2. Implemented by the host connections beside <see cref="IGuestVms"/>. Failures are HostOperationExceptions naming the
/// host, the L1, the L2, what was tried and what the guest said.
/// </summary>
public interface IL2Networking
{
    /// <summary>The L2 guest's IPv4 addresses, gateways and DNS servers per adapter.</summary>
    Task<L2GuestAddresses> GetL2AddressesAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the L2 guest's static address, gateway and DNS server on <see cref="L2AddressRequest.InterfaceAlias"/>, replacing its
    /// IPv4 addresses there (Remove-NetIPAddress, New-NetIPAddress, Set-DnsClientServerAddress); a failing step puts the earlier
    /// addresses back. Returns the guest's addresses afterwards.
    /// </summary>
    Task<L2GuestAddresses> ApplyL2AddressAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2AddressRequest request, CancellationToken cancellationToken = default);

    /// <summary>From inside the L2: reaches the gateway, the DNS server and resolves and reaches <see cref="L2ConnectivityRequest.Name"/>; one result per hop.</summary>
    Task<L2ConnectivityReport> TestL2ConnectivityAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2ConnectivityRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The address to give an L2 guest.</summary>
public sealed record L2AddressRequest(string IpAddress, int PrefixLength, string? Gateway, string? DnsServer, string InterfaceAlias = L2AddressPlan.DefaultInterfaceAlias);

/// <summary>One IPv4 address of an L2 guest's adapter.</summary>
public sealed record L2GuestAddress(string InterfaceAlias, string IpAddress, int PrefixLength);

/// <summary>The L2 guest's addressing as it says.</summary>
public sealed record L2GuestAddresses(string L2VmName, IReadOnlyList<L2GuestAddress> Addresses, IReadOnlyList<string> Gateways, IReadOnlyList<string> DnsServers);

/// <summary>What "Test connectivity" checks: the gateway and DNS server (null: the guest's own), and a name the user chose (null: skip).</summary>
public sealed record L2ConnectivityRequest(string? Gateway, string? DnsServer, string? Name);

/// <summary>Which hop a connectivity result is about.</summary>
public enum L2Hop
{
    /// <summary>The L2's default gateway (the L1's NAT address, or the physical network's router).</summary>
    Gateway,

    /// <summary>The DNS server.</summary>
    DnsServer,

    /// <summary>Resolving the chosen name.</summary>
    NameResolution,

    /// <summary>Reaching the chosen name's address.</summary>
    Name,
}

/// <summary>One hop's result: reached or not, and why in words a user acts on.</summary>
public sealed record L2HopResult(L2Hop Hop, string Target, bool Succeeded, string Detail);

/// <summary>"Test connectivity" from inside one L2 guest.</summary>
public sealed record L2ConnectivityReport(string L2VmName, IReadOnlyList<L2HopResult> Hops)
{
    /// <summary>True when every hop succeeded.</summary>
    public bool Succeeded => Hops.Count > 0 && Hops.All(h => h.Succeeded);
}
