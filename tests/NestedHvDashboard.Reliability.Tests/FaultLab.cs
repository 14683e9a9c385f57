using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.PowerShell.Tests.Ssh;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.NestedSwitching;
namespace NestedHvDashboard.Reliability.Tests;

/// <summary>
/// One SSH pwsh host (sshd + the simulator on 127.0.0.1), the dashboard's engine for it with a short timeout, a real
/// migrated SQLite audit trail and the services every change goes through — the same ones the pages and the API call.
/// </summary>
public sealed class FaultLab : IAsyncDisposable
{
    /// <summary>The shortest host timeout: a frozen host costs little.</summary>
    public static readonly TimeSpan ShortestTimeout = TimeSpan.FromSeconds(3);

    public static readonly Actor Operator = new("fault-matrix", DashboardRoles.Operator, Channels.Browser, "127.0.0.1");

    private readonly string _folder;
    private IHyperVHost _engine;

    private FaultLab(SshTestHost host, string folder, IDbContextFactory<DashboardDbContext> database, DatabaseSettings settings, IHyperVHost engine)
    {
        Host = host;
        _folder = folder;
        Database = database;
        Audit = new DbAuditTrail(database, TimeProvider.System, NullLogger<DbAuditTrail>.Instance);
        _engine = engine;
        var lookup = new Lookup(this);
        var operations = new NestedVirtualizationOperations();
        Nested = new NestedSwitchService(lookup, operations, new PendingNestedChanges(), Audit, TimeProvider.System);
        // One VM at a time per host, so "the Nth call of a cmdlet" is the Nth VM's step.
        Bulk = new BulkNestedSwitch(new BulkNestedVirtualization(operations, lookup.Find, maxPerHost: 1), new PendingNestedChanges(), Audit, TimeProvider.System);
        MacSpoofing = new MacSpoofingService(lookup, Audit);
        NewVm = new NewVmService(lookup, Audit);
        // The page's guest service; the credential is always the one typed in, so the store (never asked to remember) stays empty.
        Guest = new GuestSetup(lookup, new GuestCredentialStore(database, settings, new EphemeralDataProtectionProvider(), NullLogger<GuestCredentialStore>.Instance), Audit);
    }

    public SshTestHost Host { get; }

    /// <summary>
    /// The host's timeout: 3 s, or twice what opening a session took when the box is so busy that pwsh starts slower than
    /// that (the timeout bounds opening the session too, and every case after a kill opens a new one). Measured at the start
    /// and again at each reset that restarts the host, so that it follows the load of the moment: measured once, a lane that
    /// began with five dashboards and a browser lane starting beside it kept 56 s for all its cases, and a frozen host's case
    /// then took 120-175 s instead of 20-40.
    /// </summary>
    public TimeSpan HostTimeout { get; private set; }

    public IHyperVHost Engine => _engine;

    public IDbContextFactory<DashboardDbContext> Database { get; }

    public DbAuditTrail Audit { get; }

    public NestedSwitchService Nested { get; }

    public BulkNestedSwitch Bulk { get; }

    public MacSpoofingService MacSpoofing { get; }

    public NewVmService NewVm { get; }

    /// <summary>Guest changes over PowerShell Direct (NAT, install Hyper-V), as the VM page's guest networking card runs them.</summary>
    public GuestSetup Guest { get; }

    public static async Task<FaultLab> StartAsync(string name, SimulatedHost state)
    {
        var host = await SshTestHost.StartAsync(name, state);
        try
        {
            return await ConnectAsync(host);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static async Task<FaultLab> ConnectAsync(SshTestHost host)
    {
        var folder = Directory.CreateTempSubdirectory("nestedhv-faults-").FullName;
        var connection = $"Data Source={Path.Combine(folder, "audit.db")};Pooling=false";
        var options = new DbContextOptionsBuilder<SqliteDashboardDbContext>().UseSqlite(connection).Options;
        await using (var db = new SqliteDashboardDbContext(options))
        {
            await db.Database.MigrateAsync();
        }

        var timeout = await MeasureTimeoutAsync(host, TimeSpan.FromSeconds(120));
        var settings = new DatabaseSettings(DatabaseProvider.Sqlite, connection, "fault matrix audit trail");
        return new FaultLab(host, folder, new ContextFactory(options), settings, Create(host, timeout)) { HostTimeout = timeout };
    }

    /// <summary>
    /// Puts the host back for the next case: its sshd running (restarted when a case killed or froze it), its state file
    /// as <paramref name="state"/> says, no fault armed, and a fresh engine connected to it (polled until it answers).
    /// </summary>
    public async Task ResetAsync(string state, bool restart)
    {
        SimulatedFaults.Disarm(Host.StateFile);
        if (restart)
        {
            await Host.RestartAsync();
        }

        SimulatedHost.FromJson(state).SaveToFile(Host.StateFile);
        if (restart)
        {
            await _engine.DisposeAsync();
            HostTimeout = await MeasureTimeoutAsync(Host, TimeSpan.FromSeconds(Math.Max(90, 4 * HostTimeout.TotalSeconds)));
            _engine = Create(Host, HostTimeout);
        }

        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await _engine.GetHostFactsAsync(CancellationToken.None);
                return true;
            }
            catch (HostOperationException)
            {
                // pwsh is still starting behind the new sshd.
                return false;
            }
        }, TimeSpan.FromSeconds(Math.Max(90, 4 * HostTimeout.TotalSeconds)), $"host {Host.Name} answering after a reset");
    }

    /// <summary>
    /// Twice what opening a new session and reading the host took (at least <see cref="ShortestTimeout"/>, at most 90 s),
    /// polled until the host answers (pwsh may still be starting behind a restarted sshd) within <paramref name="patience"/>.
    /// </summary>
    private static async Task<TimeSpan> MeasureTimeoutAsync(SshTestHost host, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var opened = System.Diagnostics.Stopwatch.StartNew();
            await using var probe = HyperVHostFactory.Create(host.Settings(TimeSpan.FromSeconds(120)));
            try
            {
                await probe.GetHostFactsAsync(CancellationToken.None);
                return TimeSpan.FromSeconds(Math.Min(90, Math.Ceiling(Math.Max(ShortestTimeout.TotalSeconds, 2 * opened.Elapsed.TotalSeconds))));
            }
            catch (HostOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    /// <summary>
    /// The engine for the host, with every long operation's own limit (shut down, start, new VM) at twice the host timeout
    /// (and the wait for a guest after installing Hyper-V) instead of minutes: the simulator's VMs change state at once, so only a frozen host ever reaches it, and a frozen
    /// host then costs seconds, not the 10 minutes a real graceful shutdown may take.
    /// </summary>
    private static IHyperVHost Create(SshTestHost host, TimeSpan timeout)
    {
        var limit = 2 * timeout;
        var engine = HyperVHostFactory.Create(host.Settings(timeout), timeouts: new OperationTimeouts { GracefulShutdown = limit, Start = limit, NewVm = limit, InstallHyperV = limit });
        if (engine is PowerShellHyperVHost powerShell)
        {
            // Waiting for a guest to come back after installing Hyper-V: likewise twice the timeout, not 10 minutes (the guest restarts at once).
            powerShell.GuestRestartTimeout = limit;
            powerShell.GuestPollInterval = TimeSpan.FromMilliseconds(250);
        }

        return engine;
    }

    /// <summary>Every audit entry, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> EntriesAsync()
    {
        await using var db = await Database.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp folder's cleanup.
        }
    }

    private sealed class Lookup(FaultLab lab) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(name, lab.Host.Name, StringComparison.OrdinalIgnoreCase) ? lab.Engine : null;
    }

    private sealed class ContextFactory(DbContextOptions<SqliteDashboardDbContext> options) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() => new SqliteDashboardDbContext(options);
    }
}
