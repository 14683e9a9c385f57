namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// The Hyper-V inside an L1 guest, driven over PowerShell Direct from the L1's host: its virtual switches (the external switch
/// Microsoft's MAC-spoofing option needs, bound to the L1's own adapter), creating L2 VMs, and connecting their adapters to a
/// switch. Implemented by the host connections beside <see cref="IGuestVms"/>. Failures are HostOperationExceptions naming the
/// host, the L1, what was tried and what the guest said; refused requests throw <see cref="L1SwitchRefusedException"/> before
/// anything ran.
/// </summary>
public interface IL1Hypervisor
{
    /// <summary>The L1 guest's network adapters, virtual switches and the switch each L2 VM adapter is connected to.</summary>
    Task<L1SwitchesReading> GetL1SwitchesAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates against a fresh read, then creates external switch <see cref="ExternalSwitchRequest.SwitchName"/> inside the L1,
    /// bound to its adapter <see cref="ExternalSwitchRequest.NetAdapterName"/> (management OS shares it), and checks the guest still
    /// answers; a failure removes what was created. Returns the guest's switches afterwards.
    /// </summary>
    Task<L1SwitchesReading> CreateExternalSwitchAsync(Guid vmId, GuestCredential credential, ExternalSwitchRequest request, CancellationToken cancellationToken = default);

    /// <summary>Removes external switch <paramref name="switchName"/> from the L1 (refused while L2 adapters are connected to it).</summary>
    Task<L1SwitchesReading> RemoveExternalSwitchAsync(Guid vmId, GuestCredential credential, string switchName, CancellationToken cancellationToken = default);

    /// <summary>Connects every network adapter of L2 VM <paramref name="l2VmName"/> to switch <paramref name="switchName"/> inside the L1 (Connect-VMNetworkAdapter).</summary>
    Task<L1SwitchesReading> ConnectL2AdapterAsync(Guid vmId, GuestCredential credential, string l2VmName, string switchName, CancellationToken cancellationToken = default);

    /// <summary>Creates L2 VM <see cref="L2VmRequest.Name"/> inside the L1 (generation 2, static memory, on the request's switch, booting a differencing disk of the image when given); it is left Off.</summary>
    Task<GuestVm> CreateL2VmAsync(Guid vmId, GuestCredential credential, L2VmRequest request, CancellationToken cancellationToken = default);
}

/// <summary>An external switch to create inside an L1.</summary>
/// <param name="SwitchName">The new switch's name.</param>
/// <param name="NetAdapterName">The L1 guest's network adapter it binds to (for example "Ethernet").</param>
public sealed record ExternalSwitchRequest(string SwitchName, string NetAdapterName);

/// <summary>An L2 VM to create inside an L1.</summary>
/// <param name="Name">Its name in the L1's Hyper-V.</param>
/// <param name="ProcessorCount">Its virtual processors.</param>
/// <param name="MemoryStartupBytes">Its static memory.</param>
/// <param name="SwitchName">The L1's switch its adapter connects to.</param>
/// <param name="OsImagePath">An OS image inside the L1 (a .vhdx) it boots from, through a differencing disk; null: no disk.</param>
public sealed record L2VmRequest(string Name, int ProcessorCount, long MemoryStartupBytes, string SwitchName, string? OsImagePath);

/// <summary>One of the L1 guest's network adapters.</summary>
public sealed record L1NetAdapter(string Name, string InterfaceDescription, string Status, string? MacAddress);

/// <summary>One virtual switch inside the L1.</summary>
/// <param name="Name">Its name.</param>
/// <param name="SwitchType">External, Internal or Private.</param>
/// <param name="NetAdapterName">External: the L1 adapter it is bound to.</param>
public sealed record L1Switch(string Name, string SwitchType, string? NetAdapterName);

/// <summary>An L2 VM's adapter and the L1 switch it is connected to (null: not connected).</summary>
public sealed record L2AdapterConnection(string VmName, string AdapterName, string? SwitchName, string? MacAddress);

/// <summary>What the L1's Hyper-V has for networking.</summary>
public sealed record L1SwitchesReading(bool HyperVRuns, IReadOnlyList<L1NetAdapter> Adapters, IReadOnlyList<L1Switch> Switches, IReadOnlyList<L2AdapterConnection> L2Adapters);

/// <summary>A switch request the validator refused; nothing ran in the guest.</summary>
public sealed class L1SwitchRefusedException(string hostName, string vmName, IReadOnlyList<NatNetworkProblem> problems)
    : Exception($"Change switches in VM '{vmName}' on host '{hostName}': refused before anything ran: {string.Join(" ", problems.Select(p => p.ToString()))}")
{
    /// <summary>What was wrong, by field.</summary>
    public IReadOnlyList<NatNetworkProblem> Problems { get; } = problems;
}
