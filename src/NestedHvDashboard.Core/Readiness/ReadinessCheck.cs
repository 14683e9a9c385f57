namespace NestedHvDashboard.Core.Readiness;

/// <summary>The answer a readiness rule gives.</summary>
public enum ReadinessStatus
{
    Pass,
    Warn,
    Fail,
    Unknown,
}

/// <summary>One rule's answer for a host or a VM.</summary>
/// <param name="RuleId">A stable id, e.g. "host.os-version".</param>
/// <param name="Title">What the rule checks, in the user's words.</param>
/// <param name="Status">Pass, warn, fail or unknown.</param>
/// <param name="Reason">One line: why this answer.</param>
/// <param name="Fix">What to do about it; null when there is nothing to do.</param>
public sealed record ReadinessCheck(string RuleId, string Title, ReadinessStatus Status, string Reason, string? Fix)
{
    /// <summary>"Title: reason. Fix: fix" (the fix left out when there is none), as one line for a tooltip or a refusal.</summary>
    public string Explained
    {
        get
        {
            var why = $"{Title}: {Reason}";
            return Fix is null ? Text.Sentences.Ended(why) : Text.Sentences.WithFix(why, Fix);
        }
    }
}
