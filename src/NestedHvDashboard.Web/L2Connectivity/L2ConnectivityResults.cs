using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.L2Connectivity;

/// <summary>One L2 guest to give an address: its name, the request, and the credential for it (null: the remembered one).</summary>
/// <param name="L2VmName">The L2 VM's name inside the L1.</param>
/// <param name="Request">The address, gateway and DNS server.</param>
/// <param name="Credential">The credential typed for it, or null to use the remembered one.</param>
/// <param name="Remember">True to remember <paramref name="Credential"/> for this L2 once it was accepted (Administrators only).</param>
public sealed record L2AddressItem(string L2VmName, L2AddressRequest Request, GuestCredential? Credential = null, bool Remember = false);

/// <summary>How one L2 guest's address change ended.</summary>
/// <param name="L2VmName">The L2 VM.</param>
/// <param name="Outcome">Succeeded, Refused (nothing ran: see <paramref name="Problems"/>), Failed (undone in the guest) or Canceled.</param>
/// <param name="Message">One line naming the L1 and the L2.</param>
/// <param name="HostMessage">What the guest said, verbatim.</param>
/// <param name="Problems">Why it was refused, by field.</param>
/// <param name="Addresses">The L2's addressing afterwards, when it succeeded.</param>
public sealed record L2AddressOutcome(string L2VmName, OperationOutcome Outcome, string Message, string? HostMessage, IReadOnlyList<NatNetworkProblem> Problems, L2GuestAddresses? Addresses);

/// <summary>How an "Apply addresses" change ended, and each L2's part of it.</summary>
public sealed record L2ApplyResult(OperationOutcome Outcome, string Message, string? HostMessage, IReadOnlyList<L2AddressOutcome> Items)
    : ChangeResult(Outcome, Message, HostMessage);

/// <summary>How a "Test connectivity" ended: the report, or why there is none.</summary>
public sealed record L2TestResult(OperationOutcome Outcome, string Message, string? HostMessage, L2ConnectivityReport? Report)
    : ChangeResult(Outcome, Message, HostMessage);
