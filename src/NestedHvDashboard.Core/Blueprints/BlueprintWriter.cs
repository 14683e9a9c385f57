using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NestedHvDashboard.Core.Blueprints;

/// <summary>
/// Writes a blueprint as YAML or JSON with the keys <see cref="BlueprintReader"/> reads, in the same order, leaving out what is
/// not set; memory as "8GB" / "4096MB" when it is whole gigabytes or megabytes. What it writes reads back equal.
/// </summary>
internal static class BlueprintWriter
{
    /// <summary>The blueprint as YAML or JSON text.</summary>
    public static string Write(Blueprint blueprint, BlueprintFormat format)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        return format == BlueprintFormat.Json ? WriteJson(blueprint) : WriteYaml(blueprint);
    }

    /// <summary>The blueprint as an ordered tree of keys and values (null values left out), shared by both formats.</summary>
    private static List<(string Key, object Value)> Tree(Blueprint blueprint) => Compact(
    [
        ("name", blueprint.Name),
        ("description", blueprint.Description),
        ("connectivityProbe", blueprint.ConnectivityProbe),
        ("l1s", blueprint.L1s.Select(l1 => Compact(
        [
            ("name", l1.Name),
            ("host", l1.Host),
            ("processorCount", l1.ProcessorCount),
            ("memory", Memory(l1.MemoryStartupBytes)),
            ("configurationVersion", l1.ConfigurationVersion),
            ("osImagePath", l1.OsImagePath),
            ("switchName", l1.SwitchName),
            ("network", Compact(
            [
                ("kind", l1.Network.Kind == BlueprintNetworking.Nat ? "nat" : "externalSwitch"),
                ("switchName", l1.Network.SwitchName),
                ("natPrefix", l1.Network.NatPrefix),
                ("gateway", l1.Network.Gateway),
                ("dnsServer", l1.Network.DnsServer),
            ])),
            ("l2s", l1.L2s.Select(l2 => Compact(
            [
                ("name", l2.Name),
                ("processorCount", l2.ProcessorCount),
                ("memory", Memory(l2.MemoryStartupBytes)),
                ("osImagePath", l2.OsImagePath),
                ("ipAddress", l2.IpAddress),
                ("prefixLength", l2.PrefixLength),
            ])).ToList()),
        ])).ToList()),
    ]);

    private static List<(string Key, object Value)> Compact(IEnumerable<(string Key, object? Value)> fields) =>
        [.. fields.Where(f => f.Value is not null).Select(f => (f.Key, f.Value!))];

    // Whole gigabytes or megabytes read better as a size; anything else stays an exact number of bytes.
    private static object Memory(long bytes) => BlueprintMemory.Format(bytes) is var text && text.EndsWith('B') ? text : bytes;

    private static string WriteJson(Blueprint blueprint)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteJsonValue(json, Tree(blueprint));
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object value)
    {
        switch (value)
        {
            case List<(string Key, object Value)> map:
                json.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    json.WritePropertyName(key);
                    WriteJsonValue(json, item);
                }

                json.WriteEndObject();
                break;
            case List<List<(string Key, object Value)>> list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJsonValue(json, item);
                }

                json.WriteEndArray();
                break;
            case int number:
                json.WriteNumberValue(number);
                break;
            case long number:
                json.WriteNumberValue(number);
                break;
            default:
                json.WriteStringValue((string)value);
                break;
        }
    }

    private static string WriteYaml(Blueprint blueprint)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        WriteYamlValue(emitter, Tree(blueprint));
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void WriteYamlValue(IEmitter emitter, object value)
    {
        switch (value)
        {
            case List<(string Key, object Value)> map:
                emitter.Emit(new MappingStart());
                foreach (var (key, item) in map)
                {
                    emitter.Emit(new Scalar(key));
                    WriteYamlValue(emitter, item);
                }

                emitter.Emit(new MappingEnd());
                break;
            case List<List<(string Key, object Value)>> list:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
                foreach (var item in list)
                {
                    WriteYamlValue(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case int or long:
                emitter.Emit(new Scalar(Convert.ToString(value, CultureInfo.InvariantCulture)!));
                break;
            default:
                var text = (string)value;

                // A plain scalar the reader would take for nothing (null, ~, empty) is quoted, so it reads back as the text.
                var quoted = text.Trim().Length == 0 || text is "~" || text.Equals("null", StringComparison.OrdinalIgnoreCase);
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, quoted ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, !quoted, true));
                break;
        }
    }
}
