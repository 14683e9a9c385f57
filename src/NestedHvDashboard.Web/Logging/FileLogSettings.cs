namespace NestedHvDashboard.Web.Logging;

/// <summary>
/// The log files in the data folder's <c>logs/</c> (<c>Logging:File:*</c>): one file a day, a new one whenever a
/// file reaches <see cref="FileSizeLimitBytes"/>, files older than <see cref="RetainedDays"/> days deleted, and at most
/// <see cref="RetainedFiles"/> kept, so the folder stays bounded (default at most 100 × 10 MiB).
/// </summary>
public sealed class FileLogSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Logging:File";

    /// <summary>Days a file is kept after the day it was written (default 14).</summary>
    public int RetainedDays { get; set; } = 14;

    /// <summary>The size at which a file is closed and the next one started (default 10 MiB).</summary>
    public long FileSizeLimitBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>The most files kept, whatever their age (default 100).</summary>
    public int RetainedFiles { get; set; } = 100;

    /// <summary>The settings from <paramref name="configuration"/>; a value that is not positive is refused naming its key.</summary>
    public static FileLogSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = configuration.GetSection(Section).Get<FileLogSettings>() ?? new FileLogSettings();
        var problems = new List<string>();
        if (settings.RetainedDays <= 0)
        {
            problems.Add($"{Section}:{nameof(RetainedDays)} must be at least 1 (it is {settings.RetainedDays})");
        }

        if (settings.FileSizeLimitBytes < 1024)
        {
            problems.Add($"{Section}:{nameof(FileSizeLimitBytes)} must be at least 1024 (it is {settings.FileSizeLimitBytes})");
        }

        if (settings.RetainedFiles <= 1)
        {
            problems.Add($"{Section}:{nameof(RetainedFiles)} must be at least 2 (it is {settings.RetainedFiles})");
        }

        return problems.Count == 0 ? settings : throw new InvalidOperationException(string.Join("; ", problems) + ".");
    }
}
