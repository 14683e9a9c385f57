using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell.Checks;
using NestedHvDashboard.Web.Data;
namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// <c>NestedHvDashboard.Web check-host &lt;host&gt; [options]</c> (and <c>./build.sh check-host</c>): runs
/// <see cref="HostCheckCommand"/> before any web host starts, with the host's settings as the dashboard saved them —
/// in its database in the data folder (<c>--DataFolder</c>, <c>--Database:Provider</c>, ...) or in configuration's Hosts.
/// </summary>
public static class CheckHostVerb
{
    /// <summary>True when the command line asks for check-host instead of the dashboard.</summary>
    public static bool Matches(string[] args) => HostCheckCommand.Matches(args);

    /// <summary>Runs the check and returns the process exit code (0 passed, 1 a step failed, 2 a wrong command line).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var stop = new CancellationTokenSource();
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            stop.Cancel();
        }

        Console.CancelKeyPress += OnCancel;
        try
        {
            return await HostCheckCommand.RunAsync(args, output, (name, cancellationToken) => FindSavedAsync(args, name, cancellationToken), cancellationToken: stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    /// <summary>The host's saved settings (database first, then configuration's Hosts), or null when it has none or the database cannot be read.</summary>
    public static async Task<HostConnectionSettings?> FindSavedAsync(IReadOnlyList<string> args, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var configuration = VerbConfiguration.Build(args);
        var dataFolder = DataFolder.Of(configuration);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(dataFolder);
        services.AddDashboardDatabase();
        services.AddHostConnections(dataFolder, configuration);
        await using var provider = services.BuildServiceProvider();

        // Settings the dashboard would refuse are refused here too, before the "no database yet" below could hide them.
        _ = provider.GetRequiredService<DatabaseSettings>();
        IReadOnlyList<HostConnectionSettings> saved;
        try
        {
            saved = await provider.GetRequiredService<HostConnectionStore>().LoadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // No database yet (or not reachable): the command line must then say how to reach the host.
            saved = [];
        }

        var configured = configuration.GetSection("Hosts").Get<List<HostConnectionSettings>>() ?? [];
        return saved.Concat(configured).FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
