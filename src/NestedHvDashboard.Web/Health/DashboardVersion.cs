using System.Reflection;

namespace NestedHvDashboard.Web.Health;

/// <summary>
/// The running build's version: <c>Version</c> of Directory.Build.props, with the commit after a '+' when the build
/// knew it (e.g. <c>0.1.0+b8c337f…</c>). <c>/healthz</c> sends it in the <see cref="Header"/> header.
/// </summary>
public static class DashboardVersion
{
    /// <summary>The response header of <c>/healthz</c> that carries the version.</summary>
    public const string Header = "X-NestedHv-Version";

    /// <summary>The informational version of the web assembly.</summary>
    public static string Current { get; } =
        typeof(DashboardVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Puts the version in <paramref name="response"/>'s <see cref="Header"/> header.</summary>
    public static void Stamp(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers[Header] = Current;
    }
}
