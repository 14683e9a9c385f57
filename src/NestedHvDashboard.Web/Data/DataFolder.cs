namespace NestedHvDashboard.Web.Data;

/// <summary>
/// The app's data folder: the SQLite database (by default) and the Data Protection keys live here.
/// Configured by <c>DataFolder</c>; by default <c>NestedHvDashboard</c> under the user's local
/// application data folder (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows).
/// </summary>
public sealed class DataFolder
{
    /// <summary>The configuration key that sets the folder.</summary>
    public const string ConfigurationKey = "DataFolder";

    public DataFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path; it exists.</summary>
    public string Path { get; }

    /// <summary>The full path of a file in the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The folder from configuration, or the default one.</summary>
    public static DataFolder FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ConfigurationKey];
        return new DataFolder(string.IsNullOrWhiteSpace(configured)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "NestedHvDashboard")
            : configured);
    }
}
