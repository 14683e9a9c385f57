using System.Text;
using Microsoft.AspNetCore.Components.Forms;
using NestedHvDashboard.Core.Blueprints;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>Blueprints as files: the download link of an export, and reading an uploaded .yaml/.json file.</summary>
public static class BlueprintFileTransfer
{
    /// <summary>The largest blueprint file read (a lab of hundreds of VMs is far smaller).</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>What the file picker offers.</summary>
    public const string Accept = ".yaml,.yml,.json";

    /// <summary>The file name an export of <paramref name="name"/> downloads as.</summary>
    public static string FileName(string name, BlueprintFormat format)
    {
        var safe = new string([.. name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')]);
        return $"{safe}.{(format == BlueprintFormat.Yaml ? "yaml" : "json")}";
    }

    /// <summary>
    /// A link that downloads <paramref name="text"/> as a file: the text is in the link (a data: address), so the
    /// download needs no request the server would have to authorize again.
    /// </summary>
    public static string DownloadHref(string text, BlueprintFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        var type = format == BlueprintFormat.Yaml ? "application/yaml" : "application/json";
        return $"data:{type};charset=utf-8;base64,{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}";
    }

    /// <summary>The text of an uploaded file, or why it cannot be read (too large, not a .yaml/.yml/.json file).</summary>
    public static async Task<(string? Text, string? Problem)> ReadAsync(IBrowserFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var extension = Path.GetExtension(file.Name).ToLowerInvariant();
        if (extension is not (".yaml" or ".yml" or ".json"))
        {
            return (null, $"'{file.Name}' is not a blueprint file: choose a .yaml, .yml or .json file.");
        }

        if (file.Size > MaxFileBytes)
        {
            return (null, $"'{file.Name}' is {file.Size / 1024} KB; a blueprint file is at most {MaxFileBytes / 1024} KB.");
        }

        await using var stream = file.OpenReadStream(MaxFileBytes, cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return (await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false), null);
    }
}
