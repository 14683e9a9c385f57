using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// Guest credentials the user asked to remember, per host and VM, in the database (<see cref="StoredGuestCredential"/>).
/// Passwords are encrypted with ASP.NET Core Data Protection. Read once, then kept in memory beside the database.
/// </summary>
public sealed partial class GuestCredentialStore
{
    /// <summary>The file earlier versions kept them in, in the data folder; imported once by <see cref="EarlierFilesImport"/>.</summary>
    public const string FileName = "guest-credentials.json";

    /// <summary>The Data Protection purpose of the passwords; the same as the file used, so imported ones stay readable.</summary>
    internal const string PasswordPurpose = "NestedHvDashboard.GuestCredentials.Password.v1";

    private readonly Lock _gate = new();
    private readonly IDbContextFactory<DashboardDbContext> _database;
    private readonly DatabaseSettings _settings;
    private readonly IDataProtector _passwords;
    private readonly ILogger<GuestCredentialStore> _logger;
    private readonly TimeProvider _time;
    private Dictionary<(string Host, Guid VmId), Remembered>? _entries;

    public GuestCredentialStore(
        IDbContextFactory<DashboardDbContext> database,
        DatabaseSettings settings,
        IDataProtectionProvider protection,
        ILogger<GuestCredentialStore> logger,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(protection);
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _passwords = protection.CreateProtector(PasswordPurpose);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>True when a credential is remembered for the VM.</summary>
    public bool IsRemembered(string host, Guid vmId)
    {
        lock (_gate)
        {
            return Entries.ContainsKey(Key(host, vmId));
        }
    }

    /// <summary>The remembered credential, decrypted, or null (also when the keys that encrypted it are gone).</summary>
    public GuestCredential? Find(string host, Guid vmId)
    {
        lock (_gate)
        {
            if (!Entries.TryGetValue(Key(host, vmId), out var stored))
            {
                return null;
            }

            try
            {
                return new GuestCredential(stored.UserName, _passwords.Unprotect(stored.ProtectedPassword));
            }
            catch (CryptographicException ex)
            {
                LogUnreadable(ex, host, vmId, _settings.Description);
                return null;
            }
        }
    }

    /// <summary>Remembers <paramref name="credential"/> for the VM, replacing any earlier one.</summary>
    /// <exception cref="DatabaseSaveException">The database refused or failed; what was remembered before stays.</exception>
    public void Remember(string host, Guid vmId, GuestCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var key = Key(host, vmId);
        var remembered = new Remembered(credential.UserName, _passwords.Protect(credential.Password));
        lock (_gate)
        {
            var entries = Entries;
            try
            {
                using var db = _database.CreateDbContext();
                var row = db.GuestCredentials.SingleOrDefault(c => c.NormalizedHostName == key.Host && c.VmId == vmId);
                if (row is null)
                {
                    db.GuestCredentials.Add(ToRow(key.Host, vmId, remembered.UserName, remembered.ProtectedPassword, _time.GetUtcNow().UtcDateTime));
                }
                else
                {
                    (row.UserName, row.ProtectedPassword, row.UpdatedAt) = (remembered.UserName, remembered.ProtectedPassword, _time.GetUtcNow().UtcDateTime);
                }

                db.SaveChanges();
            }
            catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
            {
                throw DatabaseSaveException.For($"the guest credential of VM {vmId} on host {host}", _settings, ex);
            }

            entries[key] = remembered;
        }
    }

    /// <summary>Forgets the VM's credential; true when one was remembered.</summary>
    /// <exception cref="DatabaseSaveException">The database refused or failed; the credential stays remembered.</exception>
    public bool Forget(string host, Guid vmId)
    {
        var key = Key(host, vmId);
        lock (_gate)
        {
            var entries = Entries;
            int removed;
            try
            {
                using var db = _database.CreateDbContext();
                removed = db.GuestCredentials.Where(c => c.NormalizedHostName == key.Host && c.VmId == vmId).ExecuteDelete();
            }
            catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
            {
                throw DatabaseSaveException.For($"forgetting the guest credential of VM {vmId} on host {host}", _settings, ex);
            }

            return entries.Remove(key) | removed > 0;
        }
    }

    /// <summary>The row for a credential whose password is already protected (with <see cref="PasswordPurpose"/>).</summary>
    internal static StoredGuestCredential ToRow(string host, Guid vmId, string userName, string protectedPassword, DateTime updatedAt)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new StoredGuestCredential
        {
            NormalizedHostName = host.ToUpperInvariant(),
            VmId = vmId,
            UserName = userName,
            ProtectedPassword = protectedPassword,
            UpdatedAt = updatedAt,
        };
    }

    private static (string Host, Guid VmId) Key(string host, Guid vmId)
    {
        ArgumentNullException.ThrowIfNull(host);
        return (host.ToUpperInvariant(), vmId);
    }

    // Read at first use; when the database cannot be read, nothing is remembered this time and the next use tries again.
    private Dictionary<(string Host, Guid VmId), Remembered> Entries
    {
        get
        {
            if (_entries is not null)
            {
                return _entries;
            }

            try
            {
                using var db = _database.CreateDbContext();
                return _entries = db.GuestCredentials.AsNoTracking()
                    .ToDictionary(c => (c.NormalizedHostName, c.VmId), c => new Remembered(c.UserName, c.ProtectedPassword));
            }
            catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
            {
                LogDatabaseUnreadable(ex, _settings.Description);
                return [];
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The remembered guest credential of VM {VmId} on host {Host} in the {Database} cannot be decrypted (were the Data Protection keys replaced?); it will be asked for again")]
    private partial void LogUnreadable(Exception error, string host, Guid vmId, string database);

    [LoggerMessage(Level = LogLevel.Error, Message = "The guest credentials could not be read from the {Database}; they will be asked for again")]
    private partial void LogDatabaseUnreadable(Exception error, string database);

    // Data Protection ciphertext; the plain password is never kept.
    private sealed record Remembered(string UserName, string ProtectedPassword);
}
