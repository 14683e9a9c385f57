using System.Reflection;

namespace NestedHvDashboard.Web.Data;

/// <summary>The dashboard's version, as the build stamped it (Directory.Build.props), without the source revision suffix.</summary>
public static class DashboardVersion
{
    /// <summary>For example <c>1.4.0</c>.</summary>
    public static string Current { get; } = Read();

    private static string Read()
    {
        var informational = typeof(DashboardVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? typeof(DashboardVersion).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
