using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>Turns what PowerShell throws into <see cref="HostOperationException"/>s a user can act on.</summary>
internal static class HostErrors
{
    // Texts that mean the other side refused who we are (ssh, WinRM) or we refused it (ssh host keys).
    private static readonly string[] AuthenticationFailures =
    [
        "Permission denied",
        "Access is denied",
        "Host key verification failed",
        "authentication failed",
        "logon failure",
        "user name or password is incorrect",
        "Too many authentication failures",
        "No more authentication methods",
    ];

    public static HostOperationException FromException(Exception exception, string hostName, HostCommand command)
    {
        if (exception is HostOperationException known)
        {
            return known;
        }

        if (FindTransportFailure(exception) is { } transport)
        {
            return Transport(transport, hostName, command);
        }

        var function = HostTools.FunctionName(command.Script);
        if (HostSession.IsCommandNotFound(exception, function))
        {
            // On the JEA endpoint a function the account's role does not list simply does not exist for it.
            return new HostOperationException(HostErrorKind.HostRefused, hostName, command.Operation,
                $"The host's JEA endpoint does not let this account run {function}: its role (such as {HostTools.ViewerRole}, reads only) does not include it. Fix: map the account to the {HostTools.OperatorRole} role on the host (Enable-NestedHvDashboardAccess.ps1 -Jea -OperatorPrincipal ...).",
                command.VmName, exception);
        }

        if (exception is IContainsErrorRecord { ErrorRecord: { } record })
        {
            return FromErrorRecord(record, hostName, command, exception);
        }

        return new HostOperationException(HostErrorKind.HostRefused, hostName, command.Operation, exception.Message, command.VmName, exception);
    }

    public static HostOperationException FromErrorRecord(ErrorRecord record, string hostName, HostCommand command, Exception? inner = null)
    {
        var kind = record.CategoryInfo.Category switch
        {
            ErrorCategory.ObjectNotFound => HostErrorKind.VmNotFound,
            ErrorCategory.InvalidOperation => HostErrorKind.InvalidVmState,
            ErrorCategory.AuthenticationError => HostErrorKind.AuthenticationFailed,
            _ => HostErrorKind.HostRefused,
        };
        var message = record.ErrorDetails?.Message is { Length: > 0 } details ? details : record.Exception?.Message ?? record.ToString();
        if (record.CategoryInfo.Category is ErrorCategory.OperationTimeout && command.Limit is { } limit)
        {
            // The script's own wait (Wait-DashboardVmState) ran out with the command's limit: the same answer.
            return new HostOperationException(HostErrorKind.StillRunning, hostName, command.Operation,
                $"The host was still running it when its limit of {OperationTimeouts.Describe(limit)} ran out ({message}); it was left to finish on the host.", command.VmName, inner ?? record.Exception);
        }

        if (record.FullyQualifiedErrorId?.StartsWith("InvalidCredential", StringComparison.Ordinal) == true)
        {
            // PowerShell Direct's answer to a wrong guest user or password: the host itself accepted us.
            kind = HostErrorKind.GuestAuthenticationFailed;
            message = $"The guest refused the user name or password given for it (PowerShell Direct said: {message})";
        }

        return new HostOperationException(kind, hostName, command.Operation, message, command.VmName, inner ?? record.Exception);
    }

    public static HostOperationException Transport(Exception exception, string hostName, HostCommand command) =>
        new(IsAuthenticationFailure(exception.Message) ? HostErrorKind.AuthenticationFailed : HostErrorKind.Unreachable,
            hostName, command.Operation, exception.Message, command.VmName, exception);

    public static HostOperationException Timeout(string hostName, HostCommand command, TimeSpan timeout) =>
        new(HostErrorKind.Timeout, hostName, command.Operation, $"The host did not answer within {timeout.TotalSeconds:0.###} seconds.", command.VmName);

    public static HostOperationException StillRunning(string hostName, HostCommand command, TimeSpan limit) =>
        new(HostErrorKind.StillRunning, hostName, command.Operation,
            $"The host was still running it when its limit of {OperationTimeouts.Describe(limit)} ran out; it was left to finish on the host.", command.VmName);

    /// <summary>True when the exception means the connection (not the command) failed, so the pool is spent.</summary>
    public static bool IsTransportFailure(Exception exception) => FindTransportFailure(exception) is not null;

    private static Exception? FindTransportFailure(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is PSRemotingTransportException
                or PSRemotingDataStructureException
                or InvalidRunspacePoolStateException
                or InvalidRunspaceStateException
                or PSInvalidOperationException { ErrorRecord.FullyQualifiedErrorId: "RunspacePoolNotOpened" })
            {
                return current;
            }
        }

        return null;
    }

    private static bool IsAuthenticationFailure(string message) =>
        AuthenticationFailures.Any(text => message.Contains(text, StringComparison.OrdinalIgnoreCase));
}
