using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Operations;

/// <summary>What a new checkpoint's name may be: Hyper-V takes any text up to 100 characters, and allows duplicates.</summary>
public static class CheckpointNames
{
    /// <summary>Hyper-V's limit on a checkpoint's name (its ElementName).</summary>
    public const int MaxLength = 100;

    /// <summary>Why <paramref name="name"/> cannot be used, or null when it can.</summary>
    public static string? Problem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "A name is required."
        : name.Length > MaxLength ? $"The name is {name.Length} characters long; Hyper-V takes at most {MaxLength}."
        : name.Any(char.IsControl) ? "The name cannot contain control characters (tabs, line breaks)."
        : null;

    /// <summary>
    /// A warning for a name another checkpoint of the VM already has (Hyper-V allows it, but the two are then told apart only
    /// by their dates), or null.
    /// </summary>
    public static string? Warning(string? name, VmCheckpoints? existing) =>
        name is { Length: > 0 } && existing is not null && existing.Checkpoints.Any(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ? $"This VM already has a checkpoint named '{name.Trim()}'. Hyper-V allows it, but the two are then told apart only by their dates."
            : null;

    /// <summary>The name suggested for a new checkpoint: the VM's name and the time, as Hyper-V Manager names one.</summary>
    public static string Suggested(string vmName, DateTimeOffset now) =>
        $"{(vmName.Length > 70 ? vmName[..70] : vmName)} - ({now.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)})";

    /// <summary>The name suggested for the checkpoint of the current state taken before applying <paramref name="applying"/>.</summary>
    public static string BeforeApplying(string applying, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(applying);
        var quoted = applying.Length > 50 ? applying[..50] + "…" : applying;
        return $"Before applying '{quoted}' ({now.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)})";
    }
}
