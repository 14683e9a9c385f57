using System.Text.Json;
using System.Text.Json.Serialization;

namespace NestedHvDashboard.Simulator.State;

/// <summary>What an injected fault does when its command is called.</summary>
public enum SimulatedFaultKind
{
    /// <summary>The call fails with <see cref="SimulatedFault.Message"/> before it changes anything (the host refuses).</summary>
    Fail,

    /// <summary>The call blocks before it changes anything, until the pipeline is stopped or the fault file is removed.</summary>
    Hang,
}

/// <summary>
/// A fault injected at the <see cref="Call"/>th call of <see cref="Command"/> (counted from 1 since the faults file was written),
/// so a test hits an exact step of a change deterministically and then kills or freezes the host at that moment.
/// </summary>
public sealed class SimulatedFault
{
    /// <summary>The cmdlet, e.g. "Set-VMProcessor" (case ignored).</summary>
    public string Command { get; set; } = "";

    /// <summary>Which call of <see cref="Command"/> faults, from 1.</summary>
    public int Call { get; set; } = 1;

    public SimulatedFaultKind Kind { get; set; }

    /// <summary>The host's error text for <see cref="SimulatedFaultKind.Fail"/>.</summary>
    public string Message { get; set; } = "The operation failed (injected fault).";

    /// <summary>When the fault fired; a test polls for it before it kills or freezes the host.</summary>
    public DateTimeOffset? TriggeredAt { get; set; }
}

/// <summary>
/// The fault-injection knob of a file-backed host: a JSON file beside the state file (<c>&lt;state file&gt;.faults.json</c>) with
/// the faults and a count of every command called since it was written. No file, no cost: the cmdlets only check that it exists.
/// </summary>
public sealed class SimulatedFaults
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public List<SimulatedFault> Faults { get; set; } = [];

    /// <summary>Calls seen per command since the file was written.</summary>
    public Dictionary<string, int> Calls { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The faults file that belongs to <paramref name="stateFile"/>.</summary>
    public static string PathFor(string stateFile) => stateFile + ".faults.json";

    /// <summary>Writes (replacing) the faults file of <paramref name="stateFile"/>, with every count at zero.</summary>
    public static void Arm(string stateFile, params SimulatedFault[] faults) =>
        Update(stateFile, createIfMissing: true, f =>
        {
            f.Faults = [.. faults];
            f.Calls.Clear();
            return 0;
        });

    /// <summary>The faults file as it is now, or null when there is none.</summary>
    public static SimulatedFaults? Read(string stateFile) =>
        File.Exists(PathFor(stateFile)) ? Update(stateFile, createIfMissing: false, f => f) : null;

    /// <summary>Removes the faults file: a hanging call goes on, counting stops.</summary>
    public static void Disarm(string stateFile) => File.Delete(PathFor(stateFile));

    /// <summary>Counts a call of <paramref name="command"/> and returns the fault it hits, marked triggered, or null.</summary>
    internal static SimulatedFault? Take(string stateFile, string command)
    {
        if (!File.Exists(PathFor(stateFile)))
        {
            return null;
        }

        try
        {
            return Update(stateFile, createIfMissing: false, f =>
            {
                var call = f.Calls[command] = f.Calls.GetValueOrDefault(command) + 1;
                var fault = f.Faults.Find(x => x.TriggeredAt is null && x.Call == call && string.Equals(x.Command, command, StringComparison.OrdinalIgnoreCase));
                fault?.TriggeredAt = DateTimeOffset.UtcNow;
                return fault;
            });
        }
        catch (FileNotFoundException)
        {
            // Disarmed between the check and the lock.
            return null;
        }
    }

    private static T Update<T>(string stateFile, bool createIfMissing, Func<SimulatedFaults, T> change) =>
        HostStateFile.WithExclusiveLock(PathFor(stateFile), createIfMissing, stream =>
        {
            var text = HostStateFile.ReadAll(stream);
            var faults = text.Length == 0 ? new SimulatedFaults() : JsonSerializer.Deserialize<SimulatedFaults>(text, JsonOptions) ?? new SimulatedFaults();
            faults.Calls = new Dictionary<string, int>(faults.Calls, StringComparer.OrdinalIgnoreCase);
            var result = change(faults);
            HostStateFile.Write(stream, JsonSerializer.Serialize(faults, JsonOptions));
            return result;
        });
}
