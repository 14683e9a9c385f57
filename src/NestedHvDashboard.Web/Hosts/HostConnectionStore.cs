using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// The hosts added in the UI, kept in the database (<see cref="StoredHost"/>): the settings without the password in a JSON column (<see cref="StoredHostSettings"/>),
/// the password apart, encrypted with ASP.NET Core Data Protection, and the list's order. Every save is one transaction.
/// Loads and saves are asynchronous and one at a time (an async guard, so no thread blocks on another's database work).
/// </summary>
public sealed partial class HostConnectionStore : PasswordDatabaseStore
{
    /// <summary>The file earlier versions kept the hosts in, in the data folder; imported once by <see cref="EarlierFilesImport"/>.</summary>
    public const string FileName = "hosts.json";

    /// <summary>The Data Protection purpose of the passwords; the same as hosts.json used, so imported ones stay readable.</summary>
    internal const string PasswordPurpose = "NestedHvDashboard.HostConnections.Password.v1";

    private readonly ILogger<HostConnectionStore> _logger;

    // Rows whose settings could not be read at the last Load: a save leaves them for a person to look at.
    private readonly HashSet<string> _unreadable = new(StringComparer.Ordinal);

    public HostConnectionStore(IDbContextFactory<DashboardDbContext> database, DatabaseSettings settings, IDataProtectionProvider protection, ILogger<HostConnectionStore> logger, TimeProvider? time = null)
        : base(database, settings, protection, PasswordPurpose, time)
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Where the hosts are kept, for messages (the database, no password).</summary>
    public string Location => Settings.Description;

    /// <summary>Which stored hosts could not be read at the last <see cref="LoadAsync"/>, for the page; null when all could.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// The stored hosts in their order, passwords decrypted. A host whose settings cannot be read is logged (naming it),
    /// left out and kept in the database as it is; a password the keys cannot decrypt is dropped with a warning.
    /// </summary>
    public async Task<IReadOnlyList<HostConnectionSettings>> LoadAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var rows = await db.Hosts.AsNoTracking().OrderBy(h => h.Position).ThenBy(h => h.Id)
                .Select(h => new Row(h.Id, h.Name, h.NormalizedName, h.ProtectedPassword)).ToListAsync(cancellationToken).ConfigureAwait(false);
            var settings = await ReadSettingsAsync(db, cancellationToken).ConfigureAwait(false);
            _unreadable.Clear();
            Problem = null;
            var hosts = new List<HostConnectionSettings>(rows.Count);
            var problems = new List<string>();
            foreach (var row in rows)
            {
                if (!settings.TryGetValue(row.Id, out var stored))
                {
                    stored = await ReadSettingsAsync(db, row.Id, cancellationToken).ConfigureAwait(false);
                }

                if (stored.Error is { } error)
                {
                    _unreadable.Add(row.NormalizedName);
                    problems.Add($"The settings of host '{row.Name}' in the {Location} could not be read: {error.Message} It is left out and kept as it is.");
                    LogUnreadable(error, row.Name, Location);
                    continue;
                }

                hosts.Add(stored.Settings!.ToSettings(row.Name, Unprotect(row)));
            }

            Problem = problems.Count == 0 ? null : string.Join(" ", problems);
            return hosts;
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Replaces the stored hosts with <paramref name="hosts"/>, in that order, in one transaction.</summary>
    /// <exception cref="DatabaseSaveException">The database refused or failed; the hosts stored before are left as they were.</exception>
    public async Task SaveAsync(IReadOnlyList<HostConnectionSettings> hosts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var now = Time.GetUtcNow().UtcDateTime;
        var wanted = hosts.Select((h, position) => ToRow(h, h.Password is { Length: > 0 } password ? Passwords.Protect(password) : null, position, now)).ToList();
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

                // Only the keys are read: a row whose settings cannot be read is left as it is, never materialized.
                var existing = await db.Hosts.Select(h => new { h.Id, h.NormalizedName }).ToListAsync(cancellationToken).ConfigureAwait(false);
                var names = wanted.Select(w => w.NormalizedName).ToHashSet(StringComparer.Ordinal);
                var removed = existing.Where(e => !names.Contains(e.NormalizedName) && !_unreadable.Contains(e.NormalizedName)).Select(e => e.Id).ToList();

                // Removals first: a host renamed to a removed host's name must not meet it in the unique index.
                await db.Hosts.Where(h => removed.Contains(h.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                foreach (var row in wanted)
                {
                    if (existing.Find(e => e.NormalizedName == row.NormalizedName) is { } stored)
                    {
                        row.Id = stored.Id;
                        db.Hosts.Update(row);
                    }
                    else
                    {
                        db.Hosts.Add(row);
                    }
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                _unreadable.ExceptWith(names);
            }
            catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
            {
                throw DatabaseSaveException.For("the host connections", Settings, ex);
            }
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>The row for <paramref name="host"/>: its settings without the password, and the password already protected.</summary>
    internal static StoredHost ToRow(HostConnectionSettings host, string? protectedPassword, int position, DateTime updatedAt)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new StoredHost
        {
            Name = host.Name,
            NormalizedName = host.Name.ToUpperInvariant(),
            Settings = StoredHostSettings.From(host),
            ProtectedPassword = protectedPassword,
            Position = position,
            UpdatedAt = updatedAt,
        };
    }

    // Every row's settings in one query; empty when one cannot be read, and each row is then read alone.
    private static async Task<Dictionary<int, ReadResult>> ReadSettingsAsync(DashboardDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Hosts.AsNoTracking().Select(h => new { h.Id, h.Settings })
                .ToDictionaryAsync(h => h.Id, h => new ReadResult(h.Settings, null), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return [];
        }
    }

    private static async Task<ReadResult> ReadSettingsAsync(DashboardDbContext db, int id, CancellationToken cancellationToken)
    {
        try
        {
            var settings = await db.Hosts.AsNoTracking().Where(h => h.Id == id).Select(h => h.Settings).SingleAsync(cancellationToken).ConfigureAwait(false);
            return new ReadResult(settings, null);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return new ReadResult(null, ex);
        }
    }

    // Anything but the database failing or the caller giving up: the stored JSON is not what the mapping reads.
    private static bool IsUnreadable(Exception error) =>
        error is not OperationCanceledException && !DatabaseSaveException.IsDatabaseError(error);

    private string? Unprotect(Row host)
    {
        if (host.ProtectedPassword is null)
        {
            return null;
        }

        try
        {
            return Passwords.Unprotect(host.ProtectedPassword);
        }
        catch (CryptographicException ex)
        {
            // Keys lost or from another machine: the host stays, its password must be entered again.
            LogPasswordUnreadable(ex, host.Name, Location);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The settings of host {Host} in the {Database} could not be read; the host is left out and kept as it is")]
    private partial void LogUnreadable(Exception error, string host, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored password of host {Host} in the {Database} cannot be decrypted (were the Data Protection keys replaced?); enter it again")]
    private partial void LogPasswordUnreadable(Exception error, string host, string database);

    private sealed record Row(int Id, string Name, string NormalizedName, string? ProtectedPassword);

    private sealed record ReadResult(StoredHostSettings? Settings, Exception? Error);
}
