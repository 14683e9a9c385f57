using System.Globalization;
using Microsoft.Diagnostics.Runtime;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Which types hold a process's live managed heap: ClrMD attaches to the process (suspended while it reads), walks
/// from the roots, and sums the reachable objects' sizes by type. For finding what a circuit keeps; slow on a big heap.
/// </summary>
internal static class HeapTypes
{
    /// <summary>Runs <paramref name="read"/> on the heap of process <paramref name="pid"/>, suspended while it reads.</summary>
    public static T Read<T>(int pid, Func<ClrHeap, T> read)
    {
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        var clr = target.ClrVersions.Single();
        // The DAC beside the runtime the process loaded (ClrMD does not look there by itself on Linux).
        var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, OperatingSystem.IsWindows() ? "mscordaccore.dll" : "libmscordaccore.so");
        using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
        return read(runtime.Heap);
    }

    public static void Print(int pid, int top) => Read(pid, heap =>
    {
        var seen = new HashSet<ulong>();
        var pending = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
        {
            pending.Push(root.Object.Address);
        }

        var byType = new Dictionary<string, (long Bytes, long Count)>(StringComparer.Ordinal);
        while (pending.TryPop(out var address))
        {
            if (address == 0 || !seen.Add(address))
            {
                continue;
            }

            var obj = heap.GetObject(address);
            if (!obj.IsValid)
            {
                continue;
            }

            var name = obj.Type?.Name ?? "?";
            var (bytes, count) = byType.GetValueOrDefault(name);
            byType[name] = (bytes + (long)obj.Size, count + 1);
            foreach (var reference in obj.EnumerateReferenceAddresses())
            {
                pending.Push(reference);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{byType.Values.Sum(v => v.Bytes) / 1048576.0:0.0} MB reachable in {seen.Count} objects; the top {top} types:"));
        foreach (var (name, (bytes, count)) in byType.OrderByDescending(t => t.Value.Bytes).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0,12:0} KB {count,10} {name}"));
        }

        return byType.Count;
    });
}
