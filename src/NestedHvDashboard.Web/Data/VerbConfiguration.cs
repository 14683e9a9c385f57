namespace NestedHvDashboard.Web.Data;

/// <summary>
/// The configuration a command-line verb (check-host, backup, restore) reads, the same sources the dashboard reads
/// when it runs as a service: <c>appsettings.json</c> and <c>appsettings.{environment}.json</c> beside the app (the
/// environment from <c>ASPNETCORE_ENVIRONMENT</c> or <c>DOTNET_ENVIRONMENT</c>, Production when neither is set), the
/// environment variables (<c>Section__Key</c>), then the dashboard's own settings on the command line.
/// </summary>
public static class VerbConfiguration
{
    /// <summary>The configuration for a verb run with <paramref name="args"/>.</summary>
    public static IConfigurationRoot Build(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(SettingsOf(args))
            .Build();
    }

    /// <summary>Only the dashboard's own settings (<c>--DataFolder x</c>, <c>--Section:Key x</c>): a verb's own options are not configuration.</summary>
    public static Dictionary<string, string?> SettingsOf(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count - 1; i++)
        {
            var key = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (key is not null && (key.Equals(DataFolder.ConfigurationKey, StringComparison.OrdinalIgnoreCase) || key.Contains(':', StringComparison.Ordinal)))
            {
                values[key] = args[++i];
            }
        }

        return values;
    }
}
