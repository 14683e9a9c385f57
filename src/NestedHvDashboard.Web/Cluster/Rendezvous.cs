using System.Text;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>
/// Rendezvous (highest-random-weight) hashing: the instance that should own a host is the one whose weight for that host
/// is highest. Every instance computes the same answer from the same members, and when one joins or leaves only the hosts
/// it gains or loses move.
/// </summary>
public static class Rendezvous
{
    /// <summary>The member of <paramref name="members"/> that should own <paramref name="host"/>; null when there is none.</summary>
    public static string? Pick(string host, IEnumerable<string> members)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(members);
        string? best = null;
        ulong bestWeight = 0;
        foreach (var member in members)
        {
            var weight = Weight(host, member);
            if (best is null || weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(member, best) < 0))
            {
                (best, bestWeight) = (member, weight);
            }
        }

        return best;
    }

    /// <summary>A stable 64-bit weight of the pair (FNV-1a over both names, host case-insensitive, then a mixing step).</summary>
    public static ulong Weight(string host, string member)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(member);
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(host.ToUpperInvariant() + "\n" + member))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        // SplitMix64's finalizer: FNV's high bits alone spread poorly over short, similar names (HV-01, HV-02, …).
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
