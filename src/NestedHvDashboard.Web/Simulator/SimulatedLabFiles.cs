using System.Text;
using System.Text.Json;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Simulator;

/// <summary>
/// The simulated lab's two files in the data folder: the administrator's choice (<c>simulated-lab.json</c>, lab on or off,
/// which wins over <c>Simulator:Enabled</c>) and the lab's state (<c>simulated-lab-state.json</c>: every lab host with its VMs,
/// guests and networking, as the simulator's own JSON), so a restart finds the lab as it was left. Each is written to a
/// temporary file and moved into place, so a crash mid-write leaves the earlier file.
/// </summary>
public sealed class SimulatedLabFiles(DataFolder folder)
{
    /// <summary>The choice file's name in the data folder.</summary>
    public const string ChoiceFileName = "simulated-lab.json";

    /// <summary>The state file's name in the data folder.</summary>
    public const string StateFileName = "simulated-lab-state.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lock _gate = new();

    /// <summary>The choice file's path.</summary>
    public string ChoicePath => folder.File(ChoiceFileName);

    /// <summary>The state file's path.</summary>
    public string StatePath => folder.File(StateFileName);

    /// <summary>The administrator's choice: true (on), false (off), or null when none was made (the settings decide).</summary>
    public bool? ReadChoice()
    {
        if (!File.Exists(ChoicePath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Choice>(File.ReadAllText(ChoicePath), Json)?.Enabled;
        }
        catch (JsonException)
        {
            // A damaged file is no choice: the settings decide, and the next switch writes it again.
            return null;
        }
    }

    /// <summary>Keeps the administrator's choice.</summary>
    public void WriteChoice(bool enabled) => Write(ChoicePath, JsonSerializer.Serialize(new Choice(enabled), Json));

    /// <summary>The lab as it was saved, or null when no state was saved (or it cannot be read: <paramref name="problem"/> says why).</summary>
    public SimulatedLab? ReadLab(out string? problem)
    {
        problem = null;
        if (!File.Exists(StatePath))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(StatePath));
            var lab = new SimulatedLab();
            foreach (var host in document.RootElement.EnumerateArray())
            {
                lab.Add(SimulatedHost.FromJson(host.GetRawText()));
            }

            return lab.Hosts.Count == 0 ? null : lab;
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or ArgumentException or InvalidOperationException or IOException)
        {
            problem = $"The simulated lab's saved state ({StatePath}) could not be read ({ex.Message}); the lab starts as new.";
            return null;
        }
    }

    /// <summary>The lab's state as this file holds it (compared with the last write, so an unchanged lab is not written again).</summary>
    public static string StateOf(SimulatedLab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var text = new StringBuilder("[");
        foreach (var (host, index) in lab.Hosts.Select((h, i) => (h, i)))
        {
            text.Append(index == 0 ? "\n" : ",\n").Append(host.ToJson());
        }

        return text.Append("\n]\n").ToString();
    }

    /// <summary>Saves the lab's state.</summary>
    public void WriteLab(string state) => Write(StatePath, state);

    private void Write(string path, string text)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, path, overwrite: true);
        }
    }

    private sealed record Choice(bool Enabled);
}
