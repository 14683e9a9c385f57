using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.NestedSwitching;
namespace NestedHvDashboard.Web.Data;

/// <summary>
/// Brings what earlier versions kept in files of the data folder (<c>hosts.json</c>, <c>guest-credentials.json</c>,
/// <c>pending-changes.json</c>) into the database, once: only entries not already there, then the file is renamed
/// <c>&lt;name&gt;.imported-&lt;timestamp&gt;</c>. Passwords move as they are, still encrypted (same Data Protection purposes).
/// A file that cannot be read or imported is logged by name and left in place; the app starts anyway.
/// </summary>
public sealed partial class EarlierFilesImport(
    DataFolder folder,
    IDbContextFactory<DashboardDbContext> database,
    TimeProvider time,
    ILogger<EarlierFilesImport> logger) : IDatabaseStartupStep
{
    // The files' own serializer settings, so they read back as they were written.
    private static readonly JsonSerializerOptions HostsJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private static readonly JsonSerializerOptions CredentialsJson = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions PendingJson = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Before anything else reads the database (the first administrator is 100).</summary>
    public int Order => 10;

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await ImportAsync(HostConnectionStore.FileName, ImportHostsAsync, cancellationToken).ConfigureAwait(false);
        await ImportAsync(GuestCredentialStore.FileName, ImportGuestCredentialsAsync, cancellationToken).ConfigureAwait(false);
        await ImportAsync(DatabasePendingChangeStore.FileName, ImportPendingChangesAsync, cancellationToken).ConfigureAwait(false);
    }

    private async Task ImportAsync(string name, Func<byte[], DashboardDbContext, CancellationToken, Task<(int Added, int Present)>> import, CancellationToken cancellationToken)
    {
        var path = folder.File(name);
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            var content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            var db = await database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var (added, present) = await import(content, db, cancellationToken).ConfigureAwait(false);
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    var imported = $"{path}.imported-{time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
                    File.Move(path, imported);
                    LogImported(path, added, present, imported);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException || DatabaseSaveException.IsDatabaseError(ex))
        {
            LogNotImported(ex, path);
        }
    }

    private async Task<(int, int)> ImportHostsAsync(byte[] content, DashboardDbContext db, CancellationToken cancellationToken)
    {
        var file = JsonSerializer.Deserialize<HostsFile>(content, HostsJson) ?? throw new JsonException("The file holds null.");
        if (file.Hosts.Any(h => h?.Connection is null || string.IsNullOrWhiteSpace(h.Connection.Name)))
        {
            throw new JsonException("The file holds a host without connection settings or without a name.");
        }

        var stored = await db.Hosts.Select(h => new { h.NormalizedName, h.Position }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var names = stored.Select(h => h.NormalizedName).ToHashSet(StringComparer.Ordinal);
        var position = stored.Count == 0 ? 0 : stored.Max(h => h.Position) + 1;
        var now = time.GetUtcNow().UtcDateTime;
        var added = 0;
        foreach (var host in file.Hosts)
        {
            if (names.Add(host.Connection.Name.ToUpperInvariant()))
            {
                db.Hosts.Add(HostConnectionStore.ToRow(host.Connection, host.ProtectedPassword, position++, now));
                added++;
            }
        }

        return (added, file.Hosts.Count - added);
    }

    private async Task<(int, int)> ImportGuestCredentialsAsync(byte[] content, DashboardDbContext db, CancellationToken cancellationToken)
    {
        var file = JsonSerializer.Deserialize<CredentialsFile>(content, CredentialsJson) ?? throw new JsonException("The file holds null.");
        var stored = (await db.GuestCredentials.Select(c => new { c.NormalizedHostName, c.VmId }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(c => (c.NormalizedHostName, c.VmId))
            .ToHashSet();
        var now = time.GetUtcNow().UtcDateTime;
        var added = 0;
        foreach (var (key, credential) in file.Credentials)
        {
            // The file's keys are "HOST/vm-id", the host already upper-cased.
            var slash = key.LastIndexOf('/');
            if (slash <= 0 || !Guid.TryParse(key.AsSpan(slash + 1), out var vmId) || credential is not { UserName.Length: > 0, ProtectedPassword.Length: > 0 })
            {
                throw new JsonException($"The entry '{key}' is not a host/VM id with a user name and a password.");
            }

            var row = GuestCredentialStore.ToRow(key[..slash], vmId, credential.UserName, credential.ProtectedPassword, now);
            if (stored.Add((row.NormalizedHostName, row.VmId)))
            {
                db.GuestCredentials.Add(row);
                added++;
            }
        }

        return (added, file.Credentials.Count - added);
    }

    private async Task<(int, int)> ImportPendingChangesAsync(byte[] content, DashboardDbContext db, CancellationToken cancellationToken)
    {
        var file = JsonSerializer.Deserialize<PendingFile>(content, PendingJson) ?? throw new JsonException("The file holds null.");
        if (file.Version != 1)
        {
            throw new JsonException($"The file's version is {file.Version}; this build imports version 1.");
        }

        if (file.Changes.Any(c => c is null || string.IsNullOrWhiteSpace(c.HostName)))
        {
            throw new JsonException("The file holds an empty entry or one without a host name.");
        }

        var stored = (await db.PendingChanges.Select(c => new { c.NormalizedHostName, c.VmId }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(c => (c.NormalizedHostName, c.VmId))
            .ToHashSet();
        var added = 0;
        foreach (var change in file.Changes)
        {
            var row = DatabasePendingChangeStore.ToRow(change);
            if (stored.Add((row.NormalizedHostName, row.VmId)))
            {
                db.PendingChanges.Add(row);
                added++;
            }
        }

        return (added, file.Changes.Count - added);
    }

    [LoggerMessage(EventId = 7110, Level = LogLevel.Information, Message = "Imported {File} into the database ({Added} added, {Present} already there); the file is now {Imported}")]
    private partial void LogImported(string file, int added, int present, string imported);

    [LoggerMessage(EventId = 7111, Level = LogLevel.Error, Message = "Could not import {File} into the database; it is left in place (and tried again at the next start) and the dashboard starts without its entries")]
    private partial void LogNotImported(Exception error, string file);

    // hosts.json as HostConnectionStore wrote it before the database.
    private sealed class HostsFile
    {
        public int Version { get; set; }

        public List<HostEntry> Hosts { get; set; } = [];
    }

    private sealed class HostEntry
    {
        public HostConnectionSettings Connection { get; set; } = null!;

        public string? ProtectedPassword { get; set; }
    }

    // guest-credentials.json as GuestCredentialStore wrote it.
    private sealed class CredentialsFile
    {
        public int Version { get; set; }

        public Dictionary<string, CredentialEntry?> Credentials { get; set; } = [];
    }

    private sealed class CredentialEntry
    {
        public string? UserName { get; set; }

        public string? ProtectedPassword { get; set; }
    }

    // pending-changes.json as PendingChangesFile wrote it.
    private sealed record PendingFile(int Version, IReadOnlyList<PendingNestedChange> Changes);
}
