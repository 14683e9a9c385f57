using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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

}

/// <summary>Refuses log file settings that are not positive, naming every one.</summary>
public sealed class ValidateFileLogSettings : IValidateOptions<FileLogSettings>
{
    private const string Section = FileLogSettings.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FileLogSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.RetainedDays <= 0)
        {
            problems.Add($"{Section}:{nameof(FileLogSettings.RetainedDays)} must be at least 1 (it is {options.RetainedDays})");
        }

        if (options.FileSizeLimitBytes < 1024)
        {
            problems.Add($"{Section}:{nameof(FileLogSettings.FileSizeLimitBytes)} must be at least 1024 (it is {options.FileSizeLimitBytes})");
        }

        if (options.RetainedFiles <= 1)
        {
            problems.Add($"{Section}:{nameof(FileLogSettings.RetainedFiles)} must be at least 2 (it is {options.RetainedFiles})");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Registration of the log file settings.</summary>
public static class FileLogSettingsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="FileLogSettings"/> bound from <c>Logging:File</c>, validated at start-up (every bad value named), and
    /// registered as itself for the file sink. Needs the app's <see cref="IConfiguration"/>.
    /// </summary>
    public static IServiceCollection AddFileLogSettings(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FileLogSettings>().BindConfiguration(FileLogSettings.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileLogSettings>, ValidateFileLogSettings>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<FileLogSettings>>().Value);
        return services;
    }
}
