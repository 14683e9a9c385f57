using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace NestedHvDashboard.Web.Data;

/// <summary>The data folder as configured (<c>DataFolder</c>), bound by the options system and checked by <see cref="ValidateDataFolderOptions"/>.</summary>
public sealed class DataFolderOptions
{
    /// <summary>The configured folder; unset or blank: <see cref="DefaultPath"/>.</summary>
    public string? Path { get; set; }

    /// <summary><c>NestedHvDashboard</c> under the user's local application data folder.</summary>
    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "NestedHvDashboard");

    /// <summary>The folder to use: the configured one, or the default.</summary>
    public string Folder => string.IsNullOrWhiteSpace(Path) ? DefaultPath : Path;
}

/// <summary>Refuses a data folder that cannot be one, saying what is allowed.</summary>
public sealed class ValidateDataFolderOptions : IValidateOptions<DataFolderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DataFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            return ValidateOptionsResult.Success;
        }

        string full;
        try
        {
            full = System.IO.Path.GetFullPath(options.Path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return ValidateOptionsResult.Fail($"{DataFolder.ConfigurationKey} is '{options.Path}', which is not a folder path ({ex.Message}): name a folder, or leave it empty for {DataFolderOptions.DefaultPath}.");
        }

        return File.Exists(full)
            ? ValidateOptionsResult.Fail($"{DataFolder.ConfigurationKey} is '{options.Path}', which is a file: name a folder (it is created when missing), or leave it empty for {DataFolderOptions.DefaultPath}.")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>Registration of the data folder.</summary>
public static class DataFolderServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="DataFolderOptions"/> from the <c>DataFolder</c> setting, validated at start-up, and the <see cref="DataFolder"/>
    /// made of them (a folder registered earlier wins). Needs the app's <see cref="IConfiguration"/>.
    /// </summary>
    public static IServiceCollection AddDataFolder(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DataFolderOptions>()
            .Configure<IConfiguration>((o, configuration) => o.Path = configuration[DataFolder.ConfigurationKey])
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataFolderOptions>, ValidateDataFolderOptions>());
        services.TryAddSingleton(sp => new DataFolder(sp.GetRequiredService<IOptions<DataFolderOptions>>().Value.Folder));
        return services;
    }
}
