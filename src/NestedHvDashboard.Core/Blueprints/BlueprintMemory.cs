using System.Globalization;

namespace NestedHvDashboard.Core.Blueprints;

/// <summary>
/// A blueprint's memory sizes: bytes, or a number with a unit as PowerShell writes them ("8GB", "4096MB", "512 MB"), the units
/// binary (1 GB = 1024 MB) as in PowerShell and Hyper-V.
/// </summary>
public static class BlueprintMemory
{
    private static readonly (string Unit, long Bytes)[] Units =
    [
        ("TB", 1L << 40), ("TiB", 1L << 40), ("GB", 1L << 30), ("GiB", 1L << 30), ("MB", 1L << 20), ("MiB", 1L << 20), ("KB", 1L << 10), ("KiB", 1L << 10), ("B", 1),
    ];

    /// <summary>What a memory value may look like, for messages.</summary>
    public const string Expected = "a number of bytes or a size such as \"8GB\" or \"4096MB\"";

    /// <summary>Reads "8GB", "4096 MB" or "8589934592"; false when it is none of them or is not a positive whole number of bytes.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var value = text?.Trim() ?? "";
        long multiplier = 1;
        foreach (var (unit, size) in Units)
        {
            if (value.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
            {
                value = value[..^unit.Length].TrimEnd();
                multiplier = size;
                break;
            }
        }

        if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return false;
        }

        try
        {
            var total = number * multiplier;
            if (total != decimal.Truncate(total))
            {
                return false;
            }

            bytes = (long)total;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>"8GB" when whole gigabytes, "4096MB"-style when whole megabytes, else the bytes.</summary>
    public static string Format(long bytes)
    {
        foreach (var (unit, size) in new[] { ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20) })
        {
            if (bytes > 0 && bytes % size == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / size}{unit}");
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>"8 GB", "2.5 GB" or "512 MB" for messages.</summary>
    public static string Describe(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MB");
}
