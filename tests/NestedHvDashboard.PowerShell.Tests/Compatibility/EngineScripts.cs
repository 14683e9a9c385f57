namespace NestedHvDashboard.PowerShell.Tests.Compatibility;

/// <summary>Every script text the engine sends to a host: the embedded files, and each as composed and sent (with Common.ps1).</summary>
internal static class EngineScripts
{
    private const string Prefix = "NestedHvDashboard.PowerShell.Scripts.";

    /// <summary>The embedded <c>Scripts/*.ps1</c> files as written, named by file so findings carry the file's own line numbers.</summary>
    public static IReadOnlyList<(string Source, string Text)> Files()
    {
        var assembly = typeof(HostScript).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(".ps1", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                return ($"Scripts/{name[Prefix.Length..]}", reader.ReadToEnd());
            })];
    }

    /// <summary>Each script exactly as sent: the text C# composes around the files (ScriptLibrary), which a check of the files alone would miss.</summary>
    public static IReadOnlyList<(string Source, string Text)> AsSent() =>
        [.. Enum.GetValues<HostScript>().Select(script => ($"{script} as sent (ScriptLibrary)", ScriptLibrary.Get(script))),
            ("the invoker that runs each of them (ScriptLibrary.Invoker)", ScriptLibrary.Invoker)];
}
