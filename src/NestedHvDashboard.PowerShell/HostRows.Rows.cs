using System.Globalization;
using System.IO.Compression;
using System.Management.Automation;
using System.Text.Json;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// The two forms a row arrives in: a PSObject (one row per output object), or an element of a Kind = 'Rows' object's
/// JSON array (Inventory.ps1 packs its rows so that remoting carries one message, not one CliXml message per row). Both
/// read a value the same way, so the mapping to Core records exists once.
/// </summary>
internal static partial class HostRows
{
    /// <summary>One row's values by property name, as the mapping reads them.</summary>
    private interface IRow
    {
        string Text(string name);

        int Int32(string name);

        long Int64(string name);

        bool Boolean(string name);

        Guid Id(string name);
    }

    /// <summary>The Kind of a packed row.</summary>
    private static string KindOf(JsonElement row) => new JsonRow(row).Text("Kind");

    /// <summary>A Rows object's JSON (an array of rows): UTF-8, gzip, base64 in its GZip property, or plain in its Json property.</summary>
    private static JsonDocument ParsePacked(PSObject row)
    {
        try
        {
            if (OptionalText(row, "GZip") is { } packed)
            {
                using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(packed)), CompressionMode.Decompress);
                return JsonDocument.Parse(gzip);
            }

            return JsonDocument.Parse(Text(row, "Json"));
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidDataException)
        {
            throw new InvalidDataException($"The host's packed rows (Kind = 'Rows') are not valid JSON: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// The rows of a Rows object: its array; a single row; or, as Windows PowerShell 5.1's ConvertTo-Json writes an
    /// array that PowerShell holds wrapped, an object whose "value" is the array.
    /// </summary>
    private static IEnumerable<JsonElement> PackedRows(JsonElement root) => root.ValueKind switch
    {
        JsonValueKind.Array => root.EnumerateArray(),
        JsonValueKind.Object when !root.TryGetProperty("Kind", out _) && root.TryGetProperty("value", out var wrapped) && wrapped.ValueKind == JsonValueKind.Array
            => wrapped.EnumerateArray(),
        JsonValueKind.Object => [root],
        _ => throw new InvalidDataException($"The host's packed rows (Kind = 'Rows') are a JSON {root.ValueKind}, not an array of rows."),
    };

    /// <summary>A row that came as its own PSObject (in-process, or deserialized from a remote host).</summary>
    private readonly struct PSObjectRow(PSObject row) : IRow
    {
        public string Text(string name) => HostRows.Text(row, name);

        public int Int32(string name) => HostRows.Int32(row, name);

        public long Int64(string name) => HostRows.Int64(row, name);

        public bool Boolean(string name) => HostRows.Boolean(row, name);

        public Guid Id(string name) => Guid.Parse(HostRows.Text(row, name));
    }

    /// <summary>A packed row: the same conversions as for a PSObject's value of the same JSON type.</summary>
    private readonly struct JsonRow(JsonElement row) : IRow
    {
        public string Text(string name) => Value(name) is { } value
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.True => bool.TrueString,
                JsonValueKind.False => bool.FalseString,
                JsonValueKind.Null => string.Empty,
                _ => value.GetRawText(),
            }
            : string.Empty;

        // As a 64-bit number first: a value outside Int32's range still throws OverflowException, as Convert.ToInt32 does.
        public int Int32(string name) => checked((int)Int64(name));

        public long Int64(string name) => Value(name) is { } value
            ? value.ValueKind switch
            {
                JsonValueKind.Number => value.TryGetInt64(out var number) ? number : Convert.ToInt64(value.GetDouble(), CultureInfo.InvariantCulture),
                JsonValueKind.String => Convert.ToInt64(value.GetString(), CultureInfo.InvariantCulture),
                JsonValueKind.True => 1,
                _ => 0,
            }
            : 0;

        public bool Boolean(string name) => Value(name) is { } value && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.Number => value.GetDouble() != 0,
            JsonValueKind.String => Convert.ToBoolean(value.GetString(), CultureInfo.InvariantCulture),
            _ => false,
        };

        // A canonical GUID is read without making its text first.
        public Guid Id(string name) => Value(name) is { ValueKind: JsonValueKind.String } value && value.TryGetGuid(out var id) ? id : Guid.Parse(Text(name));

        private JsonElement? Value(string name) => row.TryGetProperty(name, out var value) ? value : null;
    }
}
