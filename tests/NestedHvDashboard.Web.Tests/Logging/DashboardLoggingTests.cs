using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.EventLog;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Deployment;
using NestedHvDashboard.Web.Logging;
using NestedHvDashboard.Web.Data;
using Serilog;

namespace NestedHvDashboard.Web.Tests.Logging;

/// <summary>The log files in the data folder (real files, real Serilog sink) and the decision to write the Event Log.</summary>
public sealed class DashboardLoggingTests : IDisposable
{
    private readonly DataFolder _folder = new(Directory.CreateTempSubdirectory("nestedhv-logs-").FullName);

    private string Logs => Path.Combine(_folder.Path, DashboardLogging.FolderName);

    public void Dispose() => Directory.Delete(_folder.Path, recursive: true);

    [Fact]
    public void Events_are_written_to_a_dated_file_in_the_data_folders_logs()
    {
        using (var logger = Logger(new FileLogSettings()))
        {
            logger.Warning("Host {Host} is unreachable", "hv-01");
        }

        var file = Assert.Single(Directory.GetFiles(Logs));
        Assert.Equal($"dashboard-{DateTime.Now.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.log", Path.GetFileName(file));
        Assert.Contains("[WRN]", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Contains("Host hv-01 is unreachable", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_reaches_the_size_limit_rolls_to_the_next_one()
    {
        const long limit = 4096;
        using (var logger = Logger(new FileLogSettings { FileSizeLimitBytes = limit }))
        {
            for (var i = 0; i < 200; i++)
            {
                logger.Information("Line {Number} of a long enough message to fill a few files", i);
            }
        }

        // A file is closed once it reaches the limit: it ends with the one event that crossed it (one line, < 200 bytes here).
        var files = Directory.GetFiles(Logs);
        Assert.True(files.Length >= 3, $"{files.Length} files: the sink did not roll by size.");
        Assert.All(files, f => Assert.True(new FileInfo(f).Length < limit + 200, $"{f} is {new FileInfo(f).Length} bytes, past {limit} by more than an event."));
        var all = string.Concat(files.Order(StringComparer.Ordinal).Select(File.ReadAllText));
        Assert.Contains("Line 199 ", all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30, true)]
    [InlineData(7, false)]
    public void A_file_older_than_the_retained_days_is_deleted_a_younger_one_kept(int retainedDays, bool tenDayOldFileKept)
    {
        Directory.CreateDirectory(Logs);
        var tenDaysOld = Path.Combine(Logs, $"dashboard-{DateTime.Now.AddDays(-10).ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.log");
        var yearsOld = Path.Combine(Logs, "dashboard-20200101.log");
        File.WriteAllText(tenDaysOld, "old\n");
        File.WriteAllText(yearsOld, "older\n");

        using (var logger = Logger(new FileLogSettings { RetainedDays = retainedDays }))
        {
            logger.Information("Started");
        }

        Assert.Equal(tenDayOldFileKept, File.Exists(tenDaysOld));
        Assert.False(File.Exists(yearsOld));
    }

    [Fact]
    public void The_settings_come_from_Logging_File_with_defaults_and_a_bad_value_is_refused_by_name()
    {
        var defaults = Read(new ConfigurationBuilder().Build());
        Assert.Equal((14, 10L * 1024 * 1024, 100), (defaults.RetainedDays, defaults.FileSizeLimitBytes, defaults.RetainedFiles));

        var set = Read(Configuration(("Logging:File:RetainedDays", "3"), ("Logging:File:FileSizeLimitBytes", "65536")));
        Assert.Equal((3, 65536L), (set.RetainedDays, set.FileSizeLimitBytes));

        var refused = Assert.Throws<OptionsValidationException>(() => Read(Configuration(("Logging:File:RetainedDays", "0"))));
        Assert.Contains("Logging:File:RetainedDays", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_log_file_setting_is_named_at_once()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Read(Configuration(("Logging:File:RetainedDays", "0"), ("Logging:File:RetainedFiles", "1"))));

        Assert.Equal(2, refused.Failures.Count());
        Assert.Contains("Logging:File:RetainedDays must be at least 1 (it is 0)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Logging:File:RetainedFiles must be at least 2 (it is 1)", refused.Message, StringComparison.Ordinal);
    }

    // As the app reads them: the options system with the app's validator.
    private static FileLogSettings Read(IConfiguration configuration)
    {
        using var services = new ServiceCollection().AddSingleton(configuration).AddFileLogSettings().BuildServiceProvider();
        return services.GetRequiredService<FileLogSettings>();
    }

    [Fact]
    public void Off_Windows_no_Event_Log_provider_is_added()
    {
        var services = new ServiceCollection().AddLogging(l => l.AddWindowsEventLog(onWindows: false));

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(EventLogLoggerProvider));
    }

    [Fact]
    public void On_Windows_the_Event_Log_takes_warnings_and_above_as_the_dashboards_source()
    {
        var services = new ServiceCollection().AddLogging(l => l.AddWindowsEventLog(onWindows: true));

        Assert.Contains(services, d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(EventLogLoggerProvider));
        using var provider = services.BuildServiceProvider();
        // The settings only (no event is written): they are Windows-only to use, not to read.
#pragma warning disable CA1416
        var settings = provider.GetRequiredService<IOptions<EventLogSettings>>().Value;
        Assert.Equal(DashboardLogging.EventLogSource, settings.SourceName);
        Assert.NotNull(settings.Filter);
        Assert.False(settings.Filter("Any", LogLevel.Information));
        Assert.True(settings.Filter("Any", LogLevel.Warning));
        Assert.True(settings.Filter("Any", LogLevel.Critical));
#pragma warning restore CA1416
    }

    [Fact]
    public void Under_the_service_control_manager_the_content_root_is_the_apps_folder()
    {
        Assert.Equal(AppContext.BaseDirectory, WindowsServiceHosting.ContentRootPath(isWindowsService: true));
        Assert.Null(WindowsServiceHosting.ContentRootPath(isWindowsService: false));
    }

    private Serilog.Core.Logger Logger(FileLogSettings settings) =>
        new LoggerConfiguration().WriteTo.DataFolderFiles(_folder, settings).CreateLogger();

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
