namespace NestedHvDashboard.Core.Blueprints;

/// <summary>What <see cref="BlueprintText.Parse"/> read: the blueprint (null when it could not be read) and every problem, each with its path and line.</summary>
/// <param name="Blueprint">The blueprint read; set also when only its shape has problems, so a form can show it.</param>
/// <param name="Format">The format the text was taken for.</param>
/// <param name="Problems">Syntax, key, type and shape problems, in the order of the text.</param>
public sealed record BlueprintTextResult(Blueprint? Blueprint, BlueprintFormat Format, IReadOnlyList<BlueprintProblem> Problems);

/// <summary>
/// Blueprint files: YAML or JSON (told apart by the text: JSON starts with '{'), camelCase keys, memory in bytes or as "8GB";
/// read with every problem named by path and line, and written back so that they read back equal.
/// </summary>
public static class BlueprintText
{
    /// <summary>Reads <paramref name="text"/> and checks the blueprint's shape (<see cref="BlueprintShape"/>).</summary>
    public static BlueprintTextResult Parse(string? text)
    {
        text ??= "";
        var format = BlueprintSyntax.Detect(text);
        BlueprintNode? root;
        try
        {
            root = BlueprintSyntax.Read(text, format);
        }
        catch (BlueprintSyntaxException ex)
        {
            var what = format == BlueprintFormat.Json ? "JSON" : "YAML";
            return new BlueprintTextResult(null, format, [new BlueprintProblem("(syntax)", $"The text is not valid {what}: {ex.Message}", ex.Line)]);
        }

        var reader = new BlueprintReader();
        var blueprint = reader.Read(root);
        if (blueprint is null)
        {
            return new BlueprintTextResult(null, format, reader.Problems);
        }

        var shape = BlueprintShape.Validate(blueprint).Select(p => p with { Line = LineOf(reader.Lines, p.Path) }).ToList();
        return new BlueprintTextResult(blueprint, format, shape);
    }

    /// <summary>Writes <paramref name="blueprint"/> as YAML or JSON; <see cref="Parse"/> reads it back equal.</summary>
    public static string Export(Blueprint blueprint, BlueprintFormat format) => BlueprintWriter.Write(blueprint, format);

    // A problem's path, or the nearest path above it that was written ("l1s[0].network.gateway" when left out: "l1s[0].network").
    private static int? LineOf(Dictionary<string, int> lines, string path)
    {
        for (var at = path; ; at = at[..Math.Max(at.LastIndexOfAny(['.', '[']), 0)])
        {
            if (lines.TryGetValue(at, out var line))
            {
                return line;
            }

            if (at.Length == 0)
            {
                return null;
            }
        }
    }
}
