namespace NestedHvDashboard.Core.Readiness;

/// <summary>A checklist at a glance: the worst answer and how many of each.</summary>
/// <param name="Worst">Fail, else Unknown, else Warn, else Pass (also Pass for an empty list).</param>
/// <param name="Passed">Checks that pass.</param>
/// <param name="Warnings">Checks that warn.</param>
/// <param name="Failed">Checks that fail.</param>
/// <param name="Unknown">Checks that cannot be answered.</param>
public sealed record ReadinessSummary(ReadinessStatus Worst, int Passed, int Warnings, int Failed, int Unknown)
{
    public int Total => Passed + Warnings + Failed + Unknown;

    public static ReadinessSummary From(IEnumerable<ReadinessCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        int pass = 0, warn = 0, fail = 0, unknown = 0;
        foreach (var check in checks)
        {
            switch (check.Status)
            {
                case ReadinessStatus.Pass: pass++; break;
                case ReadinessStatus.Warn: warn++; break;
                case ReadinessStatus.Fail: fail++; break;
                default: unknown++; break;
            }
        }

        // An unknown could hide a failure, so it ranks above a warning.
        var worst = fail > 0 ? ReadinessStatus.Fail
            : unknown > 0 ? ReadinessStatus.Unknown
            : warn > 0 ? ReadinessStatus.Warn
            : ReadinessStatus.Pass;
        return new ReadinessSummary(worst, pass, warn, fail, unknown);
    }
}
