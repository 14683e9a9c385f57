using Microsoft.Diagnostics.Runtime;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// The managed memory that Blazor circuits alone keep alive in another process: ClrMD attaches (the process suspended
/// while it reads) and walks the heap twice. First from the roots, stopping at every object that belongs to a circuit
/// (its <c>CircuitHost</c>, its renderer, every component and its state): what that reaches is the rest of the app. Then from
/// those stopped-at objects: what they reach that the rest of the app does not is held by the circuits only (their
/// components and render trees, the rows a circuit filtered, a state only a circuit still draws). Unlike the difference of
/// two whole-heap readings, this does not count what the app's other work allocated in between — on a lab simulated in
/// the same process, the simulated hosts' PowerShell runspaces grow and shrink by megabytes between two readings.
/// What a circuit's scoped service holds counts as the app's when a singleton or a timer also reaches that service (the
/// authentication state's revalidation timer does): a lower bound for those few objects, exact for components and trees.
/// </summary>
internal static class CircuitHeap
{
    private const string CircuitHostType = "Microsoft.AspNetCore.Components.Server.Circuits.CircuitHost";
    private const string RendererType = "Microsoft.AspNetCore.Components.RenderTree.Renderer";
    private const string ComponentStateType = "Microsoft.AspNetCore.Components.Rendering.ComponentState";
    private const string ComponentInterface = "Microsoft.AspNetCore.Components.IComponent";

    /// <summary>What the circuits alone hold: bytes, and how many circuits there were.</summary>
    public readonly record struct Held(long Bytes, int Circuits, IReadOnlyDictionary<string, long> ByType)
    {
        public double Mb => Bytes / 1048576.0;
    }

    /// <summary>Scenario "circuits": one process's circuits and the MB they alone hold, for a look at a running app.</summary>
    public static int Run(string[] args)
    {
        var pid = new Options(args).Int("pid", 0);
        if (pid <= 0)
        {
            Console.Error.WriteLine("circuits: --pid N (a running Blazor Server app) is required");
            return 2;
        }

        var held = Read(pid);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"circuits: pid {pid} circuits {held.Circuits} held_mb {held.Mb:0.00}"));
        foreach (var (type, bytes) in held.ByType.OrderByDescending(t => t.Value).Take(new Options(args).Int("top", 0)))
        {
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024.0,10:0} KB {type}"));
        }

        return 0;
    }

    public static Held Read(int pid) => HeapTypes.Read(pid, Walk);

    private static Held Walk(ClrHeap heap)
    {
        var owned = new Dictionary<ulong, bool>();
        bool OwnedByCircuit(ClrType? type) =>
            type is not null && (owned.TryGetValue(type.MethodTable, out var known) ? known : owned[type.MethodTable] = IsCircuitPart(type));

        // 1. The rest of the app: everything the roots reach without passing through a circuit's objects.
        var app = new HashSet<ulong>();
        var circuitParts = new List<ulong>();
        var pending = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
        {
            pending.Push(root.Object.Address);
        }

        while (pending.TryPop(out var address))
        {
            if (address == 0 || app.Contains(address))
            {
                continue;
            }

            var obj = heap.GetObject(address);
            if (!obj.IsValid)
            {
                continue;
            }

            if (OwnedByCircuit(obj.Type))
            {
                circuitParts.Add(address);
                continue;
            }

            app.Add(address);
            foreach (var reference in obj.EnumerateReferenceAddresses())
            {
                pending.Push(reference);
            }
        }

        // 2. What the circuits' objects reach that the rest does not.
        var held = new HashSet<ulong>();
        long bytes = 0;
        var circuits = 0;
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in circuitParts)
        {
            pending.Push(part);
        }

        while (pending.TryPop(out var address))
        {
            if (address == 0 || app.Contains(address) || !held.Add(address))
            {
                continue;
            }

            var obj = heap.GetObject(address);
            if (!obj.IsValid)
            {
                continue;
            }

            bytes += (long)obj.Size;
            var name = obj.Type?.Name ?? "?";
            if (name == CircuitHostType)
            {
                circuits++;
            }

            foreach (var reference in obj.EnumerateReferenceAddresses())
            {
                pending.Push(reference);
            }
        }

        return new Held(bytes, circuits, byType);
    }

    private static bool IsCircuitPart(ClrType type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.Name is CircuitHostType or RendererType or ComponentStateType || t.EnumerateInterfaces().Any(i => i.Name == ComponentInterface))
            {
                return true;
            }
        }

        return false;
    }
}
