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

    /// <summary>The internal switches among <see cref="SwitchNames"/> (the kind a NAT network uses).</summary>
    public IReadOnlyList<string> InternalSwitchNames { get; init; } = [];

    /// <summary>The guest OS and its Hyper-V state, when the state was read from a guest.</summary>
    public GuestOs? Os { get; init; }

    /// <summary>Virtualization-based security, HVCI, Credential Guard and hypervisorlaunchtype, when the read returned them.</summary>
    public Guests.GuestSecurity? Security { get; init; }
}

/// <summary>A WinNAT network (Get-NetNat): its name and internal prefix.</summary>
public sealed record GuestNat(string Name, string? InternalIPInterfaceAddressPrefix);

/// <summary>An address on a guest interface (Get-NetIPAddress).</summary>
public sealed record GuestIPAddress(string IPAddress, int PrefixLength, string InterfaceAlias);

/// <summary>Whether Hyper-V runs inside a guest.</summary>
public enum GuestHyperVState
{
    NotInstalled,

    /// <summary>Installed, waiting for the guest to restart.</summary>
    RestartPending,

    Installed,
}

/// <summary>The guest's OS (Win32_OperatingSystem) and its Hyper-V role or feature.</summary>
/// <param name="Caption">E.g. "Microsoft Windows Server 2022 Datacenter".</param>
/// <param name="Version">E.g. "10.0.20348".</param>
/// <param name="IsServer">True for Server editions (Install-WindowsFeature), false for client (Enable-WindowsOptionalFeature).</param>
/// <param name="HyperV">Whether Hyper-V is installed.</param>
public sealed record GuestOs(string Caption, string Version, bool IsServer, GuestHyperVState HyperV);
