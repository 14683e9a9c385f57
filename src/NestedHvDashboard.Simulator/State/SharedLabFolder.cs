using System.Text;
using System.Text.Json;

namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// A simulated lab kept in a folder that several processes share: one state file per host (the format and exclusive lock of
/// the file-backed hosts, <c>&lt;host&gt;.json</c>) and <c>lab.json</c> naming the hosts. The first process to open the folder
/// writes the lab, under the folder's lock file (<c>lab.lock</c>); every later one finds it there. Each process reaches a host
/// through its state file, so a change one makes is what the others read next.
/// </summary>
public sealed class SharedLabFolder
{
    /// <summary>The file naming the lab's hosts, written last when the lab is created.</summary>
    public const string ManifestFileName = "lab.json";

    /// <summary>The lock file held while the lab is created or read.</summary>
    public const string LockFileName = "lab.lock";

    // Another process may be writing a big lab (200 hosts × 50 VMs takes a few seconds on a busy box).
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, string> _files;

    private SharedLabFolder(string folder, IReadOnlyList<string> hosts, bool created)
    {
        Folder = folder;
        HostNames = hosts;
        Created = created;
        _files = hosts.ToDictionary(h => h, h => Path.Combine(folder, FileNameOf(h)), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The folder's full path.</summary>
    public string Folder { get; }

    /// <summary>The lab's hosts, in the order they were created.</summary>
    public IReadOnlyList<string> HostNames { get; }

    /// <summary>True when this call created the lab (the folder had none); false when it found one.</summary>
    public bool Created { get; }

    /// <summary>Every VM of the lab now (each host's state file read once).</summary>
    public int VmCount => HostNames.Sum(h => Read(h, x => x.Vms.Count));

    /// <summary>
    /// The lab in <paramref name="folder"/> (created when missing): as a process before wrote it, or else <paramref name="create"/>'s,
    /// written there now. Waits while another process holds the folder's lock.
    /// </summary>
    public static SharedLabFolder Open(string folder, Func<SimulatedLab> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(create);
        var full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        using var held = Lock(Path.Combine(full, LockFileName));
        var manifest = Path.Combine(full, ManifestFileName);
        if (File.Exists(manifest))
        {
            var names = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifest))?.Hosts
                ?? throw new InvalidDataException($"The shared simulated lab's {manifest} names no hosts.");
            return new SharedLabFolder(full, names, created: false);
        }

        var lab = create();
        foreach (var host in lab.Hosts)
        {
            host.SaveToFile(Path.Combine(full, FileNameOf(host.Name)));
        }

        // Last, and moved into place: a process killed while writing leaves no manifest, so the next one writes the lab again.
        var hosts = lab.Hosts.Select(h => h.Name).ToList();
        var temporary = manifest + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Manifest(hosts)), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, manifest, overwrite: true);
        return new SharedLabFolder(full, hosts, created: true);
    }

    /// <summary>True when <paramref name="host"/> is one of the lab's hosts.</summary>
    public bool HasHost(string host) => _files.ContainsKey(host);

    /// <summary>The state file of <paramref name="host"/> (what <see cref="SimulatorModule.CreateSharedSessionState"/> and <see cref="SimulatedFaults"/> take).</summary>
    public string StateFileOf(string host) =>
        _files.TryGetValue(host, out var file) ? file : throw new KeyNotFoundException($"The shared simulated lab in {Folder} has no host named '{host}'.");

    /// <summary>Reads <paramref name="host"/> under its state file's lock.</summary>
    public T Read<T>(string host, Func<SimulatedHost, T> read) => new FileHostAccess(StateFileOf(host)).Read(read);

    /// <summary>Changes <paramref name="host"/> under its state file's lock and writes it back.</summary>
    public T Update<T>(string host, Func<SimulatedHost, T> change) => new FileHostAccess(StateFileOf(host)).Update(change);

    // A host's name as a file name: the characters a file name cannot hold become '_'.
    private static string FileNameOf(string host)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return new string([.. host.Select(c => invalid.Contains(c) ? '_' : c)]) + ".json";
    }

    private static FileStream Lock(string path)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another process creates or reads the lab: wait for it.
                Thread.Sleep(50);
            }
        }
    }

    private sealed record Manifest(List<string> Hosts);
}
