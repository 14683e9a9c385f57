using System.Globalization;

namespace NestedHvDashboard.Simulator.State;

/// <summary>Reads back the documented settings a cmdlet stored without modelling them (see the StoredSettings bags).</summary>
internal static class StoredSettings
{
    /// <summary>The stored whole number under <paramref name="key"/>, or <paramref name="fallback"/> when none was stored.</summary>
    public static long Number(this Dictionary<string, string> bag, string key, long fallback) =>
        bag.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    /// <summary>The stored Boolean under <paramref name="key"/>, or <paramref name="fallback"/> when none was stored.</summary>
    public static bool Flag(this Dictionary<string, string> bag, string key, bool fallback) =>
        bag.TryGetValue(key, out var text) && bool.TryParse(text, out var value) ? value : fallback;
}
