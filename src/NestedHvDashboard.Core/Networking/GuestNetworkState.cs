namespace NestedHvDashboard.Core.Networking;

/// <summary>What the L1 guest already has, as Get-VMSwitch, Get-NetNat and Get-NetIPAddress report it.</summary>
/// <param name="SwitchNames">Every virtual switch in the guest.</param>
/// <param name="Nats">Every WinNAT network in the guest (WinNAT allows one).</param>
/// <param name="Addresses">Every IPv4 address on the guest's interfaces, with its prefix length.</param>
public sealed record GuestNetworkState(
    IReadOnlyList<string> SwitchNames,
    IReadOnlyList<GuestNat> Nats,
    IReadOnlyList<GuestIPAddress> Addresses)
{
    /// <summary>A guest with no switches, NAT or addresses.</summary>
    public static GuestNetworkState Empty { get; } = new([], [], []);
}

/// <summary>A WinNAT network (Get-NetNat): its name and internal prefix.</summary>
public sealed record GuestNat(string Name, string? InternalIPInterfaceAddressPrefix);

/// <summary>An address on a guest interface (Get-NetIPAddress).</summary>
public sealed record GuestIPAddress(string IPAddress, int PrefixLength, string InterfaceAlias);
