using System.Globalization;
using NestedHvDashboard.Web.Data;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace NestedHvDashboard.Web.Logging;

/// <summary>Where the dashboard's log goes besides the console: files in the data folder, and on Windows the Event Log.</summary>
public static class DashboardLogging
{
    /// <summary>The data folder's subfolder that holds the log files.</summary>
    public const string FolderName = "logs";

    /// <summary>The Event Log source the dashboard writes as (in the Application log).</summary>
    public const string EventLogSource = "NestedHv Dashboard";

    private const string Template = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The log file path pattern: <c>logs/dashboard-yyyyMMdd.log</c>, then <c>_001</c>, <c>_002</c>… as files fill.</summary>
    public static string FilePattern(DataFolder dataFolder)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        return Path.Combine(dataFolder.Path, FolderName, "dashboard-.log");
    }

    /// <summary>Rolling files in the data folder's <c>logs/</c>, by day and by size, old ones deleted per <paramref name="settings"/>.</summary>
    public static LoggerConfiguration DataFolderFiles(this LoggerSinkConfiguration writeTo, DataFolder dataFolder, FileLogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        ArgumentNullException.ThrowIfNull(settings);
        var files = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.File(
            FilePattern(dataFolder),
            outputTemplate: Template,
            formatProvider: CultureInfo.InvariantCulture,
            fileSizeLimitBytes: settings.FileSizeLimitBytes,
            rollOnFileSizeLimit: true,
            rollingInterval: RollingInterval.Day,
            retainedFileCountLimit: settings.RetainedFiles,
            retainedFileTimeLimit: TimeSpan.FromDays(settings.RetainedDays)).CreateLogger();
        return writeTo.Sink(new ClosingForgivenSink(files));
    }

    // The file sink, whose close must not fail the app's shutdown: on a full disk the last buffered line cannot be flushed,
    // and Serilog's file sink throws that from Dispose (writes themselves already fail quietly, into Serilog's SelfLog).
    private sealed class ClosingForgivenSink(Logger files) : ILogEventSink, IDisposable
    {
        public void Emit(LogEvent logEvent) => files.Write(logEvent);

        public void Dispose()
        {
            try
            {
                files.Dispose();
            }
            catch (IOException ex)
            {
                SelfLog.WriteLine("The log file could not be closed cleanly: {0}", ex.Message);
            }
        }
    }

    /// <summary>
    /// On Windows (<paramref name="onWindows"/>, from <see cref="OperatingSystem.IsWindows"/>), warnings and above also go
    /// to the Application event log as <see cref="EventLogSource"/>, where an operator's monitoring already looks. Serilog
    /// hands every event to the logger providers; the provider's filter keeps the rest out.
    /// </summary>
    public static ILoggingBuilder AddWindowsEventLog(this ILoggingBuilder logging, bool onWindows)
    {
        ArgumentNullException.ThrowIfNull(logging);
        if (!onWindows)
        {
            return logging;
        }

        // Registration only: nothing reaches the Event Log API before an event is written, which happens only where
        // onWindows is true (Program passes OperatingSystem.IsWindows(); a test checks the registration on Linux).
#pragma warning disable CA1416
        return logging.AddEventLog(settings =>
        {
            settings.SourceName = EventLogSource;
            settings.Filter = (_, level) => level >= LogLevel.Warning;
        });
#pragma warning restore CA1416
    }
}
