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
public sealed partial class GuestCredentialStore : PasswordDatabaseStore
{
    /// <summary>The file earlier versions kept them in, in the data folder; imported once by <see cref="EarlierFilesImport"/>.</summary>
    public const string FileName = "guest-credentials.json";

    /// <summary>The Data Protection purpose of the passwords; the same as the file used, so imported ones stay readable.</summary>
    internal const string PasswordPurpose = "NestedHvDashboard.GuestCredentials.Password.v1";

    private readonly ILogger<GuestCredentialStore> _logger;
    private Dictionary<(string Host, Guid VmId), Remembered>? _entries;

    public GuestCredentialStore(IDbContextFactory<DashboardDbContext> database, DatabaseSettings settings, IDataProtectionProvider protection, ILogger<GuestCredentialStore> logger, TimeProvider? time = null)
        : base(database, settings, protection, PasswordPurpose, time)
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>True when a credential is remembered for the VM.</summary>
    public async Task<bool> IsRememberedAsync(string host, Guid vmId, CancellationToken cancellationToken = default)
    {
        var key = Key(host, vmId);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (await EntriesAsync(cancellationToken).ConfigureAwait(false)).ContainsKey(key);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>The remembered credential, decrypted, or null (also when the keys that encrypted it are gone).</summary>
    public async Task<GuestCredential?> FindAsync(string host, Guid vmId, CancellationToken cancellationToken = default)
    {
        var key = Key(host, vmId);
        Remembered? stored;
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            stored = (await EntriesAsync(cancellationToken).ConfigureAwait(false)).GetValueOrDefault(key);
        }
        finally
        {
            Leave();
        }

        if (stored is null)
        {
            return null;
        }

        try
        {
            return new GuestCredential(stored.UserName, Passwords.Unprotect(stored.ProtectedPassword));
        }
        catch (CryptographicException ex)
        {
            LogUnreadable(ex, host, vmId, Settings.Description);
            return null;
        }
    }

    /// <summary>Remembers <paramref name="credential"/> for the VM, replacing any earlier one.</summary>
    /// <exception cref="DatabaseSaveException">The database refused or failed; what was remembered before stays.</exception>
    public async Task RememberAsync(string host, Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var key = Key(host, vmId);
        var remembered = new Remembered(credential.UserName, Passwords.Protect(credential.Password));
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = await EntriesAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                var row = await db.GuestCredentials.SingleOrDefaultAsync(c => c.NormalizedHostName == key.Host && c.VmId == vmId, cancellationToken).ConfigureAwait(false);
                if (row is null)
                {
                    db.GuestCredentials.Add(ToRow(key.Host, vmId, remembered.UserName, remembered.ProtectedPassword, Time.GetUtcNow().UtcDateTime));
                }
                else
                {
                    (row.UserName, row.ProtectedPassword, row.UpdatedAt) = (remembered.UserName, remembered.ProtectedPassword, Time.GetUtcNow().UtcDateTime);
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
            {
                throw DatabaseSaveException.For($"the guest credential of VM {vmId} on host {host}", Settings, ex);
            }

            entries[key] = remembered;
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Forgets the VM's credential; true when one was remembered.</summary>
    /// <exception cref="DatabaseSaveException">The database refused or failed; the credential stays remembered.</exception>
    public async Task<bool> ForgetAsync(string host, Guid vmId, CancellationToken cancellationToken = default)
    {
        var key = Key(host, vmId);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = await EntriesAsync(cancellationToken).ConfigureAwait(false);
            int removed;
            try
            {
                await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                removed = await db.GuestCredentials.Where(c => c.NormalizedHostName == key.Host && c.VmId == vmId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
            {
                throw DatabaseSaveException.For($"forgetting the guest credential of VM {vmId} on host {host}", Settings, ex);
            }

            return entries.Remove(key) | removed > 0;
        }
        finally
        {
            Leave();
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

    // Read at first use, under the gate; when the database cannot be read, nothing is remembered this time and the next use tries again.
    private async Task<Dictionary<(string Host, Guid VmId), Remembered>> EntriesAsync(CancellationToken cancellationToken)
    {
        if (_entries is not null)
        {
            return _entries;
        }

        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            return _entries = await db.GuestCredentials.AsNoTracking()
                .ToDictionaryAsync(c => (c.NormalizedHostName, c.VmId), c => new Remembered(c.UserName, c.ProtectedPassword), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            LogDatabaseUnreadable(ex, Settings.Description);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The remembered guest credential of VM {VmId} on host {Host} in the {Database} cannot be decrypted (were the Data Protection keys replaced?); it will be asked for again")]
    private partial void LogUnreadable(Exception error, string host, Guid vmId, string database);

    [LoggerMessage(Level = LogLevel.Error, Message = "The guest credentials could not be read from the {Database}; they will be asked for again")]
    private partial void LogDatabaseUnreadable(Exception error, string database);

    // Data Protection ciphertext; the plain password is never kept.
    private sealed record Remembered(string UserName, string ProtectedPassword);
}
