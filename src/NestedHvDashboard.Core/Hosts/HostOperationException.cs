namespace NestedHvDashboard.Core.Hosts;

/// <summary>The kinds of failure a user can act on.</summary>
public enum HostErrorKind
{
    /// <summary>The host could not be reached, or the connection broke.</summary>
    Unreachable,

    /// <summary>The host refused the credentials.</summary>
    AuthenticationFailed,

    /// <summary>No VM with that id or name on the host.</summary>
    VmNotFound,

    /// <summary>The VM is in a state that does not allow the change (e.g. not Off).</summary>
    InvalidVmState,

    /// <summary>The host ran the command and refused it (bad argument, permission, unsupported).</summary>
    HostRefused,

    /// <summary>The host did not answer within the timeout.</summary>
    Timeout,

    /// <summary>A guest (reached by PowerShell Direct) refused the guest credentials; the host itself is fine.</summary>
    GuestAuthenticationFailed,

    /// <summary>
    /// A long operation's own limit (<see cref="OperationTimeouts"/>) ran out while the host was still working on it.
    /// Not a failure: the host was left to finish; read the VM or guest again to learn where it is.
    /// </summary>
    StillRunning,
}

/// <summary>A host call that failed, with the host's own message.</summary>
public sealed class HostOperationException : Exception
{
    public HostOperationException(HostErrorKind kind, string hostName, string operation, string hostMessage, string? vmName = null, Exception? inner = null)
        : base(Describe(kind, hostName, operation, hostMessage, vmName), inner)
    {
        Kind = kind;
        HostName = hostName;
        Operation = operation;
        HostMessage = hostMessage;
        VmName = vmName;
    }

    /// <summary>What went wrong, in the user's terms.</summary>
    public HostErrorKind Kind { get; }

    /// <summary>The host the call went to.</summary>
    public string HostName { get; }

    /// <summary>What was tried, e.g. "Set-VMProcessor -ExposeVirtualizationExtensions $true".</summary>
    public string Operation { get; }

    /// <summary>What the host said, verbatim.</summary>
    public string HostMessage { get; }

    /// <summary>The VM concerned, when there is one.</summary>
    public string? VmName { get; }

    private static string Describe(HostErrorKind kind, string hostName, string operation, string hostMessage, string? vmName)
    {
        var target = vmName is null ? $"host '{hostName}'" : $"VM '{vmName}' on host '{hostName}'";
        var what = kind switch
        {
            HostErrorKind.Unreachable => "host unreachable",
            HostErrorKind.AuthenticationFailed => "authentication failed",
            HostErrorKind.VmNotFound => "VM not found",
            HostErrorKind.InvalidVmState => "VM in the wrong state",
            HostErrorKind.HostRefused => "host refused",
            HostErrorKind.Timeout => "timed out",
            HostErrorKind.GuestAuthenticationFailed => "the guest refused the credentials",
            HostErrorKind.StillRunning => "still running on the host",
            _ => kind.ToString(),
        };
        return $"{operation} on {target}: {what}: {hostMessage}";
    }
}
