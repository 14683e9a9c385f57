namespace NestedHvDashboard.Core.Blueprints;

/// <summary>How an L1's L2 VMs reach the network (Microsoft's two options for nested guests).</summary>
public enum BlueprintNetworking
{
    /// <summary>An internal switch and a NAT network inside the L1 (New-VMSwitch -SwitchType Internal, New-NetIPAddress, New-NetNat).</summary>
    Nat,

    /// <summary>MAC spoofing on the L1's adapters and an external switch inside the L1, bound to the L1's adapter.</summary>
    ExternalSwitch,
}

/// <summary>
/// A nested lab: the L1 VMs on their Hyper-V hosts, each with its networking and its L2 VMs. Written in YAML or JSON, or
/// built from a form; validated against the hosts as they are before anything runs. Names are unique per blueprint.
/// </summary>
/// <param name="Name">The blueprint's name (unique in the database; letters, digits, '-', '_', '.', spaces).</param>
/// <param name="Description">What the lab is for (optional).</param>
/// <param name="L1s">The L1 VMs, created in this order.</param>
/// <param name="ConnectivityProbe">The name every L2 resolves and reaches in "Test connectivity" (for example a server of the lab); null skips the name hop.</param>
public sealed record Blueprint(string Name, string? Description, IReadOnlyList<BlueprintL1> L1s, string? ConnectivityProbe = null);

/// <summary>One L1 VM: created on <paramref name="Host"/>, nested virtualization on, Hyper-V installed inside, with its L2 VMs.</summary>
/// <param name="Name">The VM's name on its host.</param>
/// <param name="Host">The dashboard host (name as in the host list) that runs it.</param>
/// <param name="ProcessorCount">Its virtual processors.</param>
/// <param name="MemoryStartupBytes">Its static memory (4 GB or more, or the readiness rules warn).</param>
/// <param name="ConfigurationVersion">Its configuration version (null: the host's default).</param>
/// <param name="OsImagePath">The OS image (a .vhdx path on the host) the VM boots from; null creates an empty VM.</param>
/// <param name="SwitchName">The host's virtual switch its adapter connects to.</param>
/// <param name="Network">How its L2 VMs reach the network.</param>
/// <param name="L2s">The L2 VMs created inside it.</param>
public sealed record BlueprintL1(
    string Name,
    string Host,
    int ProcessorCount,
    long MemoryStartupBytes,
    string? ConfigurationVersion,
    string? OsImagePath,
    string SwitchName,
    BlueprintNetwork Network,
    IReadOnlyList<BlueprintL2> L2s);

/// <summary>The networking inside one L1.</summary>
/// <param name="Kind">NAT or external switch.</param>
/// <param name="SwitchName">The switch inside the L1 the L2 adapters connect to (internal for NAT, external otherwise).</param>
/// <param name="NatPrefix">NAT only: the internal prefix, for example 192.168.100.0/24.</param>
/// <param name="Gateway">The L2 VMs' default gateway (NAT: the L1's address on the internal switch).</param>
/// <param name="DnsServer">The DNS server the L2 VMs use (optional).</param>
public sealed record BlueprintNetwork(BlueprintNetworking Kind, string SwitchName, string? NatPrefix, string? Gateway, string? DnsServer);

/// <summary>One L2 VM inside an L1.</summary>
/// <param name="Name">Its name in the L1's Hyper-V.</param>
/// <param name="ProcessorCount">Its virtual processors.</param>
/// <param name="MemoryStartupBytes">Its memory.</param>
/// <param name="OsImagePath">The OS image (a .vhdx path inside the L1); null creates an empty VM.</param>
/// <param name="IpAddress">Its static IPv4 address; null takes the next free one of the L1's NAT prefix.</param>
/// <param name="PrefixLength">The address's prefix length; null takes the NAT prefix's.</param>
public sealed record BlueprintL2(string Name, int ProcessorCount, long MemoryStartupBytes, string? OsImagePath, string? IpAddress, int? PrefixLength);

/// <summary>The file formats a blueprint is written in.</summary>
public enum BlueprintFormat
{
    /// <summary>YAML.</summary>
    Yaml,

    /// <summary>JSON.</summary>
    Json,
}

/// <summary>A problem with a blueprint: where it is (a path such as "l1s[0].l2s[2].ipAddress", with the line when parsed from text) and what is wrong.</summary>
public sealed record BlueprintProblem(string Path, string Message, int? Line = null)
{
    /// <inheritdoc />
    public override string ToString() => Line is { } line ? $"{Path} (line {line}): {Message}" : $"{Path}: {Message}";
}
