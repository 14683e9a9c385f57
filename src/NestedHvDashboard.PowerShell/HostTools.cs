using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The engine's work as a module of functions for a JEA endpoint (<c>NestedHvDashboard.HostTools</c>): each
/// <see cref="HostScript"/> becomes <c>Invoke-NestedHv&lt;Script&gt;</c>, its body the very script the engine sends
/// elsewhere, with Common.ps1's functions private to the module. A JEA endpoint runs in NoLanguage mode, so no script
/// text can be sent there; the engine calls these functions by name with parameters instead (<see cref="HostInvocation.ByName"/>),
/// and a module's own code still runs in full language. Two roles: <see cref="ViewerFunctions"/> (reads) and
/// <see cref="OperatorFunctions"/> (reads and changes).
/// </summary>
public static class HostTools
{
    /// <summary>The module's name (folder, manifest and .psm1).</summary>
    public const string ModuleName = "NestedHvDashboard.HostTools";

    /// <summary>The name the host preparation script registers the JEA endpoint under.</summary>
    public const string EndpointName = "NestedHvDashboard";

    /// <summary>The function that answers the module's version and fingerprint.</summary>
    public const string VersionFunction = "Get-NestedHvHostTools";

    /// <summary>The reader role: inventory, watch, one VM, switches, a guest's network, a VM's checkpoints.</summary>
    public const string ViewerRole = "NestedHvViewer";

    /// <summary>The operator role: every function.</summary>
    public const string OperatorRole = "NestedHvOperator";

    // The scripts that only read.
    private static readonly HostScript[] Reads =
        [HostScript.Inventory, HostScript.HostFacts, HostScript.GetVm, HostScript.WatchInventory, HostScript.GuestNetwork, HostScript.HostSwitches, HostScript.GetCheckpoints, HostScript.GuestL1Switches];

    private static readonly FrozenDictionary<string, HostScript> ByFunction =
        Enum.GetValues<HostScript>().ToFrozenDictionary(FunctionName, script => script, StringComparer.OrdinalIgnoreCase);

    /// <summary>The function that runs <paramref name="script"/>.</summary>
    public static string FunctionName(HostScript script) => "Invoke-NestedHv" + script;

    /// <summary>True when <paramref name="name"/> is one of the module's functions.</summary>
    public static bool IsFunction(string? name) =>
        name is not null && (ByFunction.ContainsKey(name) || string.Equals(name, VersionFunction, StringComparison.OrdinalIgnoreCase));

    /// <summary>What a <see cref="ViewerRole"/> may run.</summary>
    public static IReadOnlyList<string> ViewerFunctions { get; } = [VersionFunction, .. Reads.Select(FunctionName)];

    /// <summary>What an <see cref="OperatorRole"/> may run: every function.</summary>
    public static IReadOnlyList<string> OperatorFunctions { get; } = [VersionFunction, .. Enum.GetValues<HostScript>().Select(FunctionName)];

    /// <summary>The module version, the dashboard engine's (the manifest's <c>ModuleVersion</c>).</summary>
    public static string Version { get; } = (typeof(HostTools).Assembly.GetName().Version ?? new Version(1, 0, 0)).ToString(3);

    /// <summary>The scripts' own fingerprint: two builds with different scripts never share it, whatever their versions say.</summary>
    public static string Fingerprint { get; } = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(ModuleText(withIdentity: false))))[..16];

    /// <summary>
    /// True when the engine must call the module's functions by name on this host: a WinRM endpoint other than the
    /// standard full-language ones (<c>Microsoft.PowerShell*</c>, <c>PowerShell.*</c>) is taken for the dashboard's JEA endpoint.
    /// </summary>
    public static bool UsesEndpointFunctions(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Transport == HostTransport.WinRm
            && settings.ConfigurationName is { Length: > 0 } name
            && !name.StartsWith("Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase)
            && !name.StartsWith("PowerShell.", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The module's .psm1 text.</summary>
    public static string ModuleText() => ModuleText(withIdentity: true);

    /// <summary>The module's manifest (.psd1) text.</summary>
    public static string ManifestText() =>
        $$"""
        # NestedHv Dashboard's host tools: the engine's work as functions, for the NestedHvDashboard JEA endpoint.
        # Made by the dashboard (NestedHvDashboard.Web export-host-tools) from the scripts it sends; do not edit.
        @{
            RootModule = '{{ModuleName}}.psm1'
            ModuleVersion = '{{Version}}'
            GUID = '5d0e8f7a-3c41-4b8e-9f6d-2a7c1e9b4d10'
            Author = 'NestedHv Dashboard'
            Description = 'The NestedHv Dashboard engine''s host-side work as functions (fingerprint {{Fingerprint}}).'
            PowerShellVersion = '5.1'
            FunctionsToExport = @({{string.Join(", ", OperatorFunctions.Select(f => $"'{f}'"))}})
            CmdletsToExport = @()
            VariablesToExport = @()
            AliasesToExport = @()
            PrivateData = @{
                NestedHvDashboard = @{
                    Fingerprint = '{{Fingerprint}}'
                    ViewerFunctions = @({{string.Join(", ", ViewerFunctions.Select(f => $"'{f}'"))}})
                    OperatorFunctions = @({{string.Join(", ", OperatorFunctions.Select(f => $"'{f}'"))}})
                }
            }
        }
        """;

    /// <summary>Writes the module (.psm1 and .psd1) into <paramref name="folder"/>, which is created.</summary>
    public static void Export(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModuleName + ".psm1"), ModuleText(), Encoding.UTF8);
        File.WriteAllText(Path.Combine(folder, ModuleName + ".psd1"), ManifestText(), Encoding.UTF8);
    }

    private static string ModuleText(bool withIdentity)
    {
        var text = new StringBuilder();
        text.AppendLine("# NestedHv Dashboard's host tools (see the manifest). Common.ps1's functions are private to the module.");
        // In the module its helpers stay in the module: nothing is defined in the session's global scope.
        text.AppendLine(ScriptLibrary.Source("Common").Replace("function global:", "function ", StringComparison.Ordinal));
        foreach (var script in Enum.GetValues<HostScript>())
        {
            text.Append("function ").Append(FunctionName(script)).AppendLine(" {");
            text.AppendLine(ScriptLibrary.Source(script.ToString()));
            text.AppendLine("}");
        }

        if (withIdentity)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $$"""
                function {{VersionFunction}} {
                    [pscustomobject]@{ Version = '{{Version}}'; Fingerprint = '{{Fingerprint}}'; ViewerFunctions = @({{string.Join(", ", ViewerFunctions.Select(f => $"'{f}'"))}}); OperatorFunctions = @({{string.Join(", ", OperatorFunctions.Select(f => $"'{f}'"))}}) }
                }
                """);
        }

        text.Append("Export-ModuleMember -Function ").AppendLine(string.Join(", ", OperatorFunctions));
        return text.ToString();
    }
}

/// <summary>How a host's commands are sent.</summary>
public enum HostInvocation
{
    /// <summary>As script text with parameters (a full-language endpoint, SSH, the simulator).</summary>
    Script,

    /// <summary>By function name with parameters, the <see cref="HostTools"/> module's (a JEA endpoint).</summary>
    ByName,
}
