using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NestedHvDashboard.Core.Blueprints;

/// <summary>How a scalar was written: its kind decides which fields it may fill.</summary>
internal enum ScalarKind
{
    /// <summary>A quoted string (YAML quotes or block styles, a JSON string).</summary>
    Text,

    /// <summary>An unquoted YAML scalar: a string, or a number when a number field reads it.</summary>
    Plain,

    /// <summary>A JSON number.</summary>
    Number,

    /// <summary>A JSON true or false.</summary>
    Boolean,

    /// <summary>null, ~ or nothing.</summary>
    Null,
}

/// <summary>A value of a blueprint file with the line it starts on, the same for YAML and JSON.</summary>
internal abstract record BlueprintNode(int Line);

/// <summary>A mapping (object), its keys in the order written.</summary>
internal sealed record MapNode(int Line, IReadOnlyList<MapEntry> Entries) : BlueprintNode(Line);

/// <summary>One key of a mapping and its value.</summary>
internal sealed record MapEntry(string Key, int Line, BlueprintNode Value);

/// <summary>A sequence (array).</summary>
internal sealed record ListNode(int Line, IReadOnlyList<BlueprintNode> Items) : BlueprintNode(Line);

/// <summary>A scalar with its text as written.</summary>
internal sealed record ScalarNode(int Line, string? Text, ScalarKind Kind) : BlueprintNode(Line);

/// <summary>A file that could not be read at all: where and why, in the reader's words.</summary>
internal sealed class BlueprintSyntaxException(string message, int? line) : Exception(message)
{
    /// <summary>The line (from 1), when the reader said.</summary>
    public int? Line { get; } = line;
}

/// <summary>Reads YAML or JSON text into <see cref="BlueprintNode"/>s (told apart by the first character that is not blank).</summary>
internal static class BlueprintSyntax
{
    /// <summary>JSON when the text starts with '{' or '[', else YAML.</summary>
    public static BlueprintFormat Detect(string text) =>
        text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n') is { Length: > 0 } rest && rest[0] is '{' or '[' ? BlueprintFormat.Json : BlueprintFormat.Yaml;

    /// <summary>The document's root; null for an empty document.</summary>
    /// <exception cref="BlueprintSyntaxException">The text is not well-formed YAML or JSON.</exception>
    public static BlueprintNode? Read(string text, BlueprintFormat format) => format == BlueprintFormat.Json ? ReadJson(text) : ReadYaml(text);

    private static BlueprintNode? ReadYaml(string text)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, BlueprintNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = parser.Accept<DocumentEnd>(out _) ? null : ReadYamlNode(parser, anchors);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                throw new BlueprintSyntaxException("The text holds more than one YAML document ('---'); a blueprint is one document.", parser.Current is { } next ? Line(next.Start) : null);
            }

            return root;
        }
        catch (YamlException ex)
        {
            // YamlDotNet puts "(Line: 3, Col: 5, Idx: 20) - (Line: …): " before its words; the line is given apart.
            var message = ex.Message;
            var words = message.IndexOf("): ", StringComparison.Ordinal);
            throw new BlueprintSyntaxException(words >= 0 ? message[(words + 3)..] : message, Line(ex.Start));
        }
    }

    private static BlueprintNode ReadYamlNode(IParser parser, Dictionary<string, BlueprintNode> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var anchored)
                ? anchored
                : throw new BlueprintSyntaxException($"The alias *{alias.Value} names no anchor written before it.", Line(alias.Start));
        }

        BlueprintNode node;
        AnchorName anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor;
            var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
            node = new ScalarNode(Line(scalar.Start), isNull ? null : scalar.Value, isNull ? ScalarKind.Null : scalar.Style == ScalarStyle.Plain ? ScalarKind.Plain : ScalarKind.Text);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            anchor = sequence.Anchor;
            var items = new List<BlueprintNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadYamlNode(parser, anchors));
            }

            node = new ListNode(Line(sequence.Start), items);
        }
        else
        {
            var mapping = parser.Consume<MappingStart>();
            anchor = mapping.Anchor;
            var entries = new List<MapEntry>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyStart = parser.Current?.Start ?? mapping.Start;
                if (ReadYamlNode(parser, anchors) is not ScalarNode { Text: { } key })
                {
                    throw new BlueprintSyntaxException("A key must be a plain name such as 'name' or 'l1s'.", Line(keyStart));
                }

                if (entries.Any(e => e.Key == key))
                {
                    throw new BlueprintSyntaxException($"The key '{key}' is written twice in the same mapping.", Line(keyStart));
                }

                entries.Add(new MapEntry(key, Line(keyStart), ReadYamlNode(parser, anchors)));
            }

            node = new MapNode(Line(mapping.Start), entries);
        }

        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }

        return node;
    }

    private static int Line(Mark mark) => (int)mark.Line;

    private static BlueprintNode? ReadJson(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF'));
        var lines = new LineIndex(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read())
            {
                return null;
            }

            var root = ReadJsonNode(ref reader, lines);
            if (reader.Read())
            {
                throw new BlueprintSyntaxException("There is more after the end of the JSON value; a blueprint is one object.", lines.LineOf(reader.TokenStartIndex));
            }

            return root;
        }
        catch (JsonException ex)
        {
            // The reader's message ends with its own " LineNumber: 2 | BytePositionInLine: 7."; the line is given apart.
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new BlueprintSyntaxException(cut > 0 ? message[..cut] : message, ex.LineNumber is { } line ? (int)line + 1 : null);
        }
    }

    private static BlueprintNode ReadJsonNode(ref Utf8JsonReader reader, LineIndex lines)
    {
        var line = lines.LineOf(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<MapEntry>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = reader.GetString()!;
                    var keyLine = lines.LineOf(reader.TokenStartIndex);
                    if (entries.Any(e => e.Key == key))
                    {
                        throw new BlueprintSyntaxException($"The key '{key}' is written twice in the same object.", keyLine);
                    }

                    reader.Read();
                    entries.Add(new MapEntry(key, keyLine, ReadJsonNode(ref reader, lines)));
                }

                return new MapNode(line, entries);
            case JsonTokenType.StartArray:
                var items = new List<BlueprintNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadJsonNode(ref reader, lines));
                }

                return new ListNode(line, items);
            case JsonTokenType.String:
                return new ScalarNode(line, reader.GetString(), ScalarKind.Text);
            case JsonTokenType.Number:
                return new ScalarNode(line, Encoding.UTF8.GetString(reader.ValueSpan), ScalarKind.Number);
            case JsonTokenType.True or JsonTokenType.False:
                return new ScalarNode(line, reader.TokenType == JsonTokenType.True ? "true" : "false", ScalarKind.Boolean);
            default:
                return new ScalarNode(line, null, ScalarKind.Null);
        }
    }

    /// <summary>Turns a byte offset into a line number (from 1).</summary>
    private sealed class LineIndex
    {
        private readonly List<long> _starts = [0];

        public LineIndex(byte[] bytes)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        public int LineOf(long offset)
        {
            var found = _starts.BinarySearch(offset);
            return (found >= 0 ? found : ~found - 1) + 1;
        }
    }
}
