using System.Management.Automation.Language;

namespace NestedHvDashboard.PowerShell.Tests.Compatibility;

/// <summary>
/// Every PowerShell script the product ships for deployment: <c>deploy/**/*.ps1</c> in the repository, read where it is (the
/// repository root is found upward from the test binaries), so a new script is covered without touching the tests.
/// </summary>
internal static class DeployScripts
{
    /// <summary>The native programs the deploy scripts may run: Windows' own tools on every supported Windows, and the
    /// dashboard's own executable from the release being installed.</summary>
    public static readonly IReadOnlySet<string> NativePrograms = new HashSet<string>(
        ["icacls.exe", "netsh.exe", "sc.exe", "NestedHvDashboard.Web.exe"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The repository root: the first folder upward from the test binaries that holds the solution and <c>deploy</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NestedHvDashboard.sln")) && Directory.Exists(Path.Combine(folder.FullName, "deploy")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds NestedHvDashboard.sln and deploy/.");
    }

    /// <summary>Each <c>deploy/**/*.ps1</c>, named by its path from the repository root (with '/') so findings say where.</summary>
    public static IReadOnlyList<(string Source, string Text)> Files()
    {
        var root = RepositoryRoot();
        return [.. Directory.EnumerateFiles(Path.Combine(root, "deploy"), "*.ps1", SearchOption.AllDirectories)
            .Select(path => (Source: Path.GetRelativePath(root, path).Replace('\\', '/'), Text: File.ReadAllText(path)))
            .OrderBy(file => file.Source, StringComparer.Ordinal)];
    }

    /// <summary>The files of <paramref name="files"/> that <paramref name="file"/> dot-sources from its own folder
    /// (<c>. (Join-Path $PSScriptRoot 'Name.ps1')</c>): they run in its scope, so their functions are its functions.</summary>
    public static IReadOnlyList<(string Source, string Text)> DotSourcedBy((string Source, string Text) file, IReadOnlyList<(string Source, string Text)> files)
    {
        var names = WindowsPowerShell51Check.DotSourcedSiblings(Parser.ParseInput(file.Text, out _, out _));
        return [.. files.Where(other => Folder(other.Source) == Folder(file.Source) && names.Contains(Path.GetFileName(other.Source), StringComparer.OrdinalIgnoreCase))];
    }

    private static string Folder(string source) => source[..(source.LastIndexOf('/') + 1)];
}
