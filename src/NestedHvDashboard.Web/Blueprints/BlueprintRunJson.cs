using System.Text.Json;
using System.Text.Json.Serialization;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// A run's steps as the database keeps them: camelCase JSON, enums by name, each command parameter's value with its type
/// (a switch, a number, a text or a list), so a step read back shows the same command as when it ran.
/// </summary>
public static class BlueprintRunJson
{
    /// <summary>The options runs are written and read with.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(), new PlannedParameterConverter() },
    };

    /// <summary>The steps as JSON.</summary>
    public static string Write(IReadOnlyList<BlueprintStepProgress> steps) => JsonSerializer.Serialize(steps, Options);

    /// <summary>The steps from their JSON.</summary>
    /// <exception cref="JsonException">The text is not a list of steps.</exception>
    public static IReadOnlyList<BlueprintStepProgress> Read(string json) =>
        JsonSerializer.Deserialize<List<BlueprintStepProgress>>(json, Options) ?? throw new JsonException("The steps are null.");

    /// <summary>{ "name": …, "value": … } with the value as its JSON kind, read back as bool, int, long, string or a list of strings.</summary>
    private sealed class PlannedParameterConverter : JsonConverter<PlannedParameter>
    {
        public override PlannedParameter Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var name = root.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            object? value = null;
            if (root.TryGetProperty("value", out var v))
            {
                value = v.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number when v.TryGetInt32(out var i) => i,
                    JsonValueKind.Number => v.GetInt64(),
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Array => v.EnumerateArray().Select(e => e.ToString()).ToArray(),
                    _ => null,
                };
            }

            return new PlannedParameter(name, value);
        }

        public override void Write(Utf8JsonWriter writer, PlannedParameter value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("name", value.Name);
            writer.WritePropertyName("value");
            switch (value.Value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    break;
                case int number:
                    writer.WriteNumberValue(number);
                    break;
                case long number:
                    writer.WriteNumberValue(number);
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case IEnumerable<string> list:
                    JsonSerializer.Serialize(writer, list.ToArray(), options);
                    break;
                default:
                    writer.WriteStringValue(Convert.ToString(value.Value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }

            writer.WriteEndObject();
        }
    }
}
