using NestedHvDashboard.Web.Data;
namespace NestedHvDashboard.Web.Health;

/// <summary>
/// The running build's version (<see cref="DashboardVersion"/>, <c>Version</c> of Directory.Build.props) in a header of
/// every <c>/healthz</c> answer, so an operator or an install script can check which build answers after an upgrade;
/// the body stays "ok" for monitors that compare it.
/// </summary>
public static class VersionHeader
{
    /// <summary>The header's name.</summary>
    public const string Name = "X-NestedHv-Version";

    /// <summary>Puts the version in <paramref name="response"/>'s <see cref="Name"/> header.</summary>
    public static void Stamp(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers[Name] = DashboardVersion.Current;
    }
}
