using System.Management.Automation;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

public sealed partial class HostSession
{
    private const string HostToolsCheck = "Check the host's NestedHvDashboard.HostTools module";

    // On a JEA endpoint the engine can only call the module's functions: a missing module, or one made from other
    // scripts than this dashboard's, is named with its fix before any command is sent.
    private async Task CheckHostToolsAsync(HostConnection connection, CancellationToken closing)
    {
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.AddCommand(HostTools.VersionFunction);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(closing);
        deadline.CancelAfter(Timeout);
        PSObject? answer;
        using (await connection.AttachAsync(shell, deadline.Token).ConfigureAwait(false))
        {
            try
            {
                answer = (await shell.InvokeAsync().WaitAsync(deadline.Token).ConfigureAwait(false)).FirstOrDefault();
            }
            catch (Exception missing) when (IsCommandNotFound(missing, HostTools.VersionFunction))
            {
                throw new HostOperationException(HostErrorKind.HostRefused, HostName, HostToolsCheck,
                    $"The endpoint has no {HostTools.ModuleName} module (no {HostTools.VersionFunction}). Fix: on the host, run deploy/hosts/Enable-NestedHvDashboardAccess.ps1 -Jea with this release's module, or clear the host's Endpoint to use Microsoft.PowerShell.",
                    inner: missing);
            }
        }

        var version = answer?.Properties["Version"]?.Value?.ToString();
        var fingerprint = answer?.Properties["Fingerprint"]?.Value?.ToString();
        if (!string.Equals(fingerprint, HostTools.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new HostOperationException(HostErrorKind.HostRefused, HostName, HostToolsCheck,
                $"The host's {HostTools.ModuleName} is version {version ?? "unknown"} (fingerprint {fingerprint ?? "none"}); this dashboard needs version {HostTools.Version} (fingerprint {HostTools.Fingerprint}). Fix: on the host, run deploy/hosts/Enable-NestedHvDashboardAccess.ps1 -Jea with this release's module.");
        }
    }

    /// <summary>True when <paramref name="exception"/> says the endpoint has no command named <paramref name="name"/> (in process or remote).</summary>
    internal static bool IsCommandNotFound(Exception exception, string? name = null)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var record = (current as IContainsErrorRecord)?.ErrorRecord;
            var notFound = current is CommandNotFoundException
                || record?.FullyQualifiedErrorId?.StartsWith("CommandNotFoundException", StringComparison.Ordinal) == true;
            if (notFound && (name is null || string.Equals(record?.CategoryInfo.TargetName ?? (current as CommandNotFoundException)?.CommandName, name, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }
}
