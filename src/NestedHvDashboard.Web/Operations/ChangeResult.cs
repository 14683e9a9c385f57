using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Operations;

/// <summary>
/// How a change ended, the shape every feature's result shares (MAC spoofing, guest actions, new VMs): Core's
/// <see cref="OperationOutcome"/>, one line for the user, and what the host said. A feature's result adds what is its own.
/// </summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Message">One line for the user, naming the host and the VM.</param>
/// <param name="HostMessage">What the host (or the guest) said, verbatim, when it said something.</param>
public abstract record ChangeResult(OperationOutcome Outcome, string Message, string? HostMessage)
{
    /// <summary>True for <see cref="OperationOutcome.Succeeded"/> and <see cref="OperationOutcome.NoChange"/>.</summary>
    public bool Succeeded => Outcome is OperationOutcome.Succeeded or OperationOutcome.NoChange;
}
