namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// An account inside an L1 guest, for PowerShell Direct (Invoke-Command -VMId -Credential). The password is
/// handed to PowerShell as a PSCredential parameter only; it never appears in script text, logs or errors,
/// and <see cref="ToString"/> hides it.
/// </summary>
/// <param name="UserName">The guest account, e.g. "Administrator" or ".\Administrator".</param>
/// <param name="Password">The account's password.</param>
public sealed record GuestCredential(string UserName, [property: System.Diagnostics.DebuggerBrowsable(System.Diagnostics.DebuggerBrowsableState.Never)] string Password)
{
    /// <summary>The user name only: a credential written to a log or an error shows no password.</summary>
    public override string ToString() => $"GuestCredential {{ UserName = {UserName}, Password = *** }}";
}
