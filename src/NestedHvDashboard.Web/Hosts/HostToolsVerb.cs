using NestedHvDashboard.PowerShell;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// <c>NestedHvDashboard.Web export-host-tools --to &lt;folder&gt;</c>: writes the <see cref="HostTools"/> module (the
/// engine's work as functions, from the very scripts this build sends) for a host's JEA endpoint; the host preparation
/// script installs it from there (<c>Enable-NestedHvDashboardAccess.ps1 -Jea -ModulePath &lt;folder&gt;</c>).
/// </summary>
public static class HostToolsVerb
{
    /// <summary>True when the command line asks for export-host-tools.</summary>
    public static bool Matches(string[] args) => args is { Length: > 0 } && args[0].Equals("export-host-tools", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes the module; 0 done, 1 the folder cannot be written, 2 a wrong command line.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args is not [_, "--to", var folder] || string.IsNullOrWhiteSpace(folder))
        {
            output.WriteLine("usage: NestedHvDashboard.Web export-host-tools --to <folder>");
            return 2;
        }

        try
        {
            var target = Path.GetFullPath(folder);
            HostTools.Export(target);
            output.WriteLine($"Wrote {HostTools.ModuleName} {HostTools.Version} (fingerprint {HostTools.Fingerprint}) to {target}. On each host: Enable-NestedHvDashboardAccess.ps1 -Jea -ModulePath <that folder> -OperatorPrincipal ... -ViewerPrincipal ...");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"export-host-tools failed: {ex.Message}");
            return 1;
        }
    }
}
