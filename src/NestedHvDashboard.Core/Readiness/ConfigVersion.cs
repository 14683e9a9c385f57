namespace NestedHvDashboard.Core.Readiness;

/// <summary>Hyper-V VM configuration versions ("9.0"): parsing, comparing and showing them as major.minor.</summary>
public static class ConfigVersion
{
    /// <summary>Parses "9.0" (or "9.0.0") into a major.minor version.</summary>
    /// <exception cref="FormatException">The text is not a configuration version.</exception>
    public static Version Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a VM configuration version (expected e.g. \"9.0\").");

    /// <summary>Parses "9.0" (or "9.0.0") into a major.minor version.</summary>
    public static bool TryParse(string? text, out Version version)
    {
        if (Version.TryParse(text?.Trim(), out var parsed) && parsed.Major >= 0)
        {
            version = Normalize(parsed);
            return true;
        }

        version = new Version(0, 0);
        return false;
    }

    /// <summary>Only major and minor count: 9.3, 9.3.0 and 9.3.0.0 are the same configuration version.</summary>
    public static Version Normalize(Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new Version(version.Major, Math.Max(version.Minor, 0));
    }

    /// <summary>True when <paramref name="version"/> is <paramref name="minimum"/> or later (major.minor only).</summary>
    public static bool IsAtLeast(Version version, Version minimum) => Normalize(version) >= Normalize(minimum);

    /// <summary>"9.3".</summary>
    public static string Format(Version version) => Normalize(version).ToString(2);

    /// <summary>"8.0, 9.0, 10.0".</summary>
    internal static string FormatList(IEnumerable<Version> versions) =>
        string.Join(", ", versions.Select(Format));
}
