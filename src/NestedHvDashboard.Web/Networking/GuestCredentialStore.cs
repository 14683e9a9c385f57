using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Storage;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// Guest credentials the user asked to remember, per host and VM, in <c>guest-credentials.json</c> in the data folder.
/// Passwords are encrypted with ASP.NET Core Data Protection; the file is replaced whole on every save, never half-written.
/// </summary>
public sealed partial class GuestCredentialStore
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "guest-credentials.json";

    private const string PasswordPurpose = "NestedHvDashboard.GuestCredentials.Password.v1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Lock _gate = new();
    private readonly IDataProtector _passwords;
    private readonly ILogger<GuestCredentialStore> _logger;
    private Dictionary<string, StoredCredential>? _entries;

    public GuestCredentialStore(DataFolder folder, IDataProtectionProvider protection, ILogger<GuestCredentialStore> logger)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(protection);
        FilePath = folder.File(FileName);
        _passwords = protection.CreateProtector(PasswordPurpose);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The file's full path.</summary>
    public string FilePath { get; }

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
                LogUnreadable(ex, host, vmId, FilePath);
                return null;
            }
        }
    }

    /// <summary>Remembers <paramref name="credential"/> for the VM, replacing any earlier one.</summary>
    /// <exception cref="IOException">The file could not be written; the old file is left as it was.</exception>
    public void Remember(string host, Guid vmId, GuestCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        lock (_gate)
        {
            var entries = new Dictionary<string, StoredCredential>(Entries, StringComparer.Ordinal)
            {
                [Key(host, vmId)] = new StoredCredential { UserName = credential.UserName, ProtectedPassword = _passwords.Protect(credential.Password) },
            };
            Save(entries);
            _entries = entries;
        }
    }

    /// <summary>Forgets the VM's credential; true when one was remembered.</summary>
    public bool Forget(string host, Guid vmId)
    {
        lock (_gate)
        {
            var entries = new Dictionary<string, StoredCredential>(Entries, StringComparer.Ordinal);
            if (!entries.Remove(Key(host, vmId)))
            {
                return false;
            }

            Save(entries);
            _entries = entries;
            return true;
        }
    }

    private static string Key(string host, Guid vmId) => $"{host.ToUpperInvariant()}/{vmId:D}";

    private Dictionary<string, StoredCredential> Entries => _entries ??= Load();

    private Dictionary<string, StoredCredential> Load()
    {
        if (!File.Exists(FilePath))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            var file = JsonSerializer.Deserialize<StoredFile>(File.ReadAllBytes(FilePath), Json) ?? throw new JsonException("The file holds null.");
            return new(file.Credentials, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // Credentials can be entered again; the next save replaces the file.
            LogFileUnreadable(ex, FilePath);
            return new(StringComparer.Ordinal);
        }
    }

    private void Save(Dictionary<string, StoredCredential> entries)
    {
        var temporary = $"{FilePath}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, new StoredFile { Credentials = entries }, Json);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The remembered guest credential of VM {VmId} on host {Host} in {File} cannot be decrypted (were the Data Protection keys replaced?); it will be asked for again")]
    private partial void LogUnreadable(Exception error, string host, Guid vmId, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "The guest credential file {File} could not be read; remembered guest credentials will be asked for again")]
    private partial void LogFileUnreadable(Exception error, string file);

    private sealed class StoredFile
    {
        public int Version { get; set; } = 1;

        public Dictionary<string, StoredCredential> Credentials { get; set; } = [];
    }

    private sealed class StoredCredential
    {
        public required string UserName { get; set; }

        // Data Protection ciphertext; the plain password is never written.
        public required string ProtectedPassword { get; set; }
    }
}
