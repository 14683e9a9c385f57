using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NestedHvDashboard.PowerShell.Checks;

/// <summary>How one check step ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HostCheckStatus>))]
public enum HostCheckStatus
{
    /// <summary>The host did it and the answer was as expected.</summary>
    Passed,

    /// <summary>The host failed, refused, did not answer, or answered something else than expected.</summary>
    Failed,

    /// <summary>Not run: an earlier step failed (or it was not asked for).</summary>
    Skipped,
}

/// <summary>One step of check-host.</summary>
/// <param name="Step">What was checked, e.g. "host facts" or "scratch VM: disable nested".</param>
/// <param name="Seconds">How long it took.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Result">What was found, in one line.</param>
/// <param name="HostMessage">The host's own words when it failed or refused; null otherwise.</param>
public sealed record HostCheckStep(string Step, double Seconds, HostCheckStatus Status, string Result, string? HostMessage = null);

/// <summary>Everything check-host did against one host: printed as a table, or as JSON to attach to a report.</summary>
/// <param name="Host">The host's name.</param>
/// <param name="Connection">How it was reached (transport, address, port, user; never a password).</param>
/// <param name="StartedAt">When the check started.</param>
/// <param name="Steps">Every step in order.</param>
public sealed record HostCheckReport(string Host, string Connection, DateTimeOffset StartedAt, IReadOnlyList<HostCheckStep> Steps)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>True when no step failed.</summary>
    public bool Passed => Steps.All(s => s.Status is not HostCheckStatus.Failed);

    /// <summary>The process exit code: 0 when every step passed, 1 when one failed.</summary>
    public int ExitCode => Passed ? 0 : 1;

    /// <summary>The report as indented JSON (camelCase; statuses as names).</summary>
    public string ToJson() => JsonSerializer.Serialize(new { host = Host, connection = Connection, startedAt = StartedAt, passed = Passed, steps = Steps }, Json);

    /// <summary>The report as a table: step, time, result and the host's own words, one step a line (the host's words on the next).</summary>
    public string ToTable()
    {
        var stepWidth = Math.Max("STEP".Length, Steps.Select(s => s.Step.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"check-host {Host} ({Connection}), started {StartedAt:u}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"STEP".PadRight(stepWidth)}  {"TIME",8}  {"RESULT",-7}  WHAT WAS FOUND");
        foreach (var step in Steps)
        {
            var time = step.Status is HostCheckStatus.Skipped ? "" : step.Seconds.ToString("0.00 s", CultureInfo.InvariantCulture);
            var result = step.Status switch
            {
                HostCheckStatus.Passed => "ok",
                HostCheckStatus.Failed => "FAILED",
                _ => "skipped",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"{step.Step.PadRight(stepWidth)}  {time,8}  {result,-7}  {step.Result}");
            if (step.HostMessage is { Length: > 0 } said)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{new string(' ', stepWidth + 12)}the host said: {said}");
            }
        }

        var failed = Steps.Count(s => s.Status is HostCheckStatus.Failed);
        text.AppendLine(failed == 0
            ? $"All {Steps.Count(s => s.Status is HostCheckStatus.Passed)} steps passed."
            : $"{failed} step(s) failed. Run again with --json and attach the output when you report it.");
        return text.ToString();
    }
}
