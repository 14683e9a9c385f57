namespace NestedHvDashboard.Web.Deployment;

/// <summary>How the app finds its files when Windows starts it as a service.</summary>
public static class WindowsServiceHosting
{
    /// <summary>
    /// The content root: the app's own folder under the Service Control Manager (whose working directory is System32,
    /// where no appsettings.json is); otherwise null, the default (the working directory).
    /// </summary>
    public static string? ContentRootPath(bool isWindowsService) => isWindowsService ? AppContext.BaseDirectory : null;
}
