using System.Globalization;
using System.Text.Json;
using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Storage;

/// <summary>
/// The pending "apply at next shutdown" changes in <c>pending-changes.json</c> in the data folder. Written whole
/// through a temporary file and a rename, so a crash mid-write leaves the previous file, never half of one.
/// A file that cannot be read is set aside as <c>pending-changes.json.corrupt-&lt;timestamp&gt;</c> and the app starts empty.
/// </summary>
public sealed class PendingChangesFile : IPendingChangeStore
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "pending-changes.json";

    private const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private readonly Lock _gate = new();
    private readonly ILogger<PendingChangesFile> _logger;
    private readonly TimeProvider _time;

    public PendingChangesFile(DataFolder folder, ILogger<PendingChangesFile> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        Path = folder.File(FileName);
        _logger = logger;
        _time = time;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<PendingNestedChange> Load()
    {
        lock (_gate)
        {
            if (!File.Exists(Path))
            {
                return [];
            }

            try
            {
                var content = JsonSerializer.Deserialize<FileContent>(File.ReadAllBytes(Path), Json)
                    ?? throw new JsonException("The file holds null.");
                if (content.Version != CurrentVersion)
                {
                    throw new JsonException($"The file's version is {content.Version}; this build reads version {CurrentVersion}.");
                }

                // Element nullability is not checked by the serializer.
                if (content.Changes.Any(c => c is null || string.IsNullOrWhiteSpace(c.HostName)))
                {
                    throw new JsonException("The file holds an empty entry or one without a host name.");
                }

                return content.Changes;
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                SetAside(ex);
                return [];
            }
        }
    }

    /// <inheritdoc />
    public void Save(IReadOnlyList<PendingNestedChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new FileContent(CurrentVersion, changes), Json);
        lock (_gate)
        {
            var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, Path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }
    }

    /// <summary>Keeps the unreadable file for a person to look at, out of the way of the next save.</summary>
    private void SetAside(Exception problem)
    {
        var aside = $"{Path}.corrupt-{_time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}";
        try
        {
            File.Move(Path, aside);
            _logger.LogWarning(problem, "The pending changes file {File} could not be read; it was kept as {Aside} and the app starts with no pending change", Path, aside);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(problem, "The pending changes file {File} could not be read, nor set aside as {Aside} ({Reason}); the app starts with no pending change", Path, aside, ex.Message);
        }
    }

    /// <summary>The file's shape; the version lets a later build tell an older file from a damaged one.</summary>
    private sealed record FileContent(int Version, IReadOnlyList<PendingNestedChange> Changes);
}
