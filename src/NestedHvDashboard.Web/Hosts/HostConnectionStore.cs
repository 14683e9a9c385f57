using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Storage;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// The hosts added in the UI, kept in <c>hosts.json</c> in the data folder until the access issue
/// brings the database. Passwords are encrypted with ASP.NET Core Data Protection (keys in
/// <c>keys/</c> beside it); the file is replaced whole on every save, never half-written.
/// </summary>
public sealed partial class HostConnectionStore
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "hosts.json";

    private const string PasswordPurpose = "NestedHvDashboard.HostConnections.Password.v1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lock _gate = new();
    private readonly IDataProtector _passwords;
    private readonly ILogger<HostConnectionStore> _logger;

    public HostConnectionStore(DataFolder folder, IDataProtectionProvider protection, ILogger<HostConnectionStore> logger)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(protection);
        FilePath = folder.File(FileName);
        _passwords = protection.CreateProtector(PasswordPurpose);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Why the file could not be read at the last <see cref="Load"/>, for the page; null when it could.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// The stored hosts, passwords decrypted. A missing file is no host; a file that cannot be read
    /// is logged (naming it), copied aside to <c>hosts.json.unreadable</c> and read as no host, so the app still starts.
    /// </summary>
    public IReadOnlyList<HostConnectionSettings> Load()
    {
        lock (_gate)
        {
            Problem = null;
            if (!File.Exists(FilePath))
            {
                return [];
            }

            StoredFile file;
            try
            {
                file = JsonSerializer.Deserialize<StoredFile>(File.ReadAllBytes(FilePath), Json)
                    ?? throw new JsonException("The file holds null.");
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                var copy = FilePath + ".unreadable";
                try
                {
                    File.Copy(FilePath, copy, overwrite: true);
                }
                catch (Exception copyError) when (copyError is IOException or UnauthorizedAccessException)
                {
                    copy = "(could not copy it aside: " + copyError.Message + ")";
                }

                Problem = $"The host connection file {FilePath} could not be read: {ex.Message} It was copied to {copy}; hosts saved from now on replace it.";
                LogUnreadable(ex, FilePath, copy);
                return [];
            }

            return [.. file.Hosts.Select(h => h.ToSettings(Unprotect(h)))];
        }
    }

    /// <summary>Writes every UI-managed host, replacing the file atomically (a temporary file moved over it).</summary>
    /// <exception cref="IOException">The file could not be written; the old file is left as it was.</exception>
    public void Save(IReadOnlyList<HostConnectionSettings> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var file = new StoredFile
        {
            Hosts = [.. hosts.Select(h => StoredHost.From(h, string.IsNullOrEmpty(h.Password) ? null : _passwords.Protect(h.Password)))],
        };
        lock (_gate)
        {
            var temporary = $"{FilePath}.{Guid.NewGuid():N}.tmp";
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    // Only the dashboard's account reads it: passwords are encrypted, but names and users need not be public.
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(temporary, options))
                {
                    JsonSerializer.Serialize(stream, file, Json);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, FilePath, overwrite: true);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        }
    }

    private string? Unprotect(StoredHost host)
    {
        if (host.ProtectedPassword is null)
        {
            return null;
        }

        try
        {
            return _passwords.Unprotect(host.ProtectedPassword);
        }
        catch (CryptographicException ex)
        {
            // Keys lost or from another machine: the host stays, its password must be entered again.
            LogPasswordUnreadable(ex, host.Connection.Name, FilePath);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The host connection file {File} could not be read; it was copied to {Copy} and the dashboard starts without its hosts")]
    private partial void LogUnreadable(Exception error, string file, string copy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored password of host {Host} in {File} cannot be decrypted (were the Data Protection keys replaced?); enter it again")]
    private partial void LogPasswordUnreadable(Exception error, string host, string file);

    private sealed class StoredFile
    {
        public int Version { get; set; } = 1;

        public List<StoredHost> Hosts { get; set; } = [];
    }

    // The settings as they are, minus the password, which goes beside them encrypted.
    private sealed class StoredHost
    {
        public required HostConnectionSettings Connection { get; set; }

        // Data Protection ciphertext; the plain password is never written.
        public string? ProtectedPassword { get; set; }

        public static StoredHost From(HostConnectionSettings settings, string? protectedPassword) =>
            new() { Connection = settings with { Password = null }, ProtectedPassword = protectedPassword };

        public HostConnectionSettings ToSettings(string? password) => Connection with { Password = password };
    }
}
