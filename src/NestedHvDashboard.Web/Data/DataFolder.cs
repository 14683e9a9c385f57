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

    /// <summary>
    /// The folder <paramref name="configuration"/> names, through the same options and validation as the app's
    /// (<see cref="DataFolderServiceCollectionExtensions.AddDataFolder"/>): for what needs it before a host is built
    /// (the log files, the keys' registration) and for the command-line verbs.
    /// </summary>
    public static DataFolder Of(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        using var services = new ServiceCollection().AddSingleton(configuration).AddDataFolder().BuildServiceProvider();
        return services.GetRequiredService<DataFolder>();
    }
}
