using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary>A host that answers with facts and one VM named after it, or fails as told; it knows whether it was disposed.</summary>
internal sealed class ConnectionFakeHost(HostConnectionSettings settings, HostOperationException? failure) : IHyperVHost
{
    private int _disposed;

    public string Name => Settings.Name;

    public HostConnectionSettings Settings { get; } = settings;

    public bool Disposed => Volatile.Read(ref _disposed) == 1;

    public static HostFacts FactsOf(string name) => new(
        name, "Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, ProcessorVendor.Intel, "GenuineIntel",
        "Intel(R) Xeon(R) Gold 6338", 64, 256L << 30, true, [new Version(9, 0), new Version(10, 0)], new Version(10, 0), false, null);

    public static VmSnapshot VmOf(string host) => new(
        Guid.NewGuid(), $"{host}-vm", VmState.Running, TimeSpan.FromHours(1), 3, 4L << 30, false, 4L << 30, new Version(10, 0), 2, 4, true, false,
        [], "Windows Server 2022", "10.0.20348");

    public Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default) =>
        failure is null ? Task.FromResult(FactsOf(Name)) : Task.FromException<HostFacts>(failure);

    public Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default) =>
        failure is null
            ? Task.FromResult(new HostInventory(FactsOf(Name), [VmOf(Name)], DateTimeOffset.UtcNow))
            : Task.FromException<HostInventory>(failure);

    public Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => throw new NotSupportedException();


    public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();


    public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();


    public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();


    public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Makes <see cref="ConnectionFakeHost"/>s and keeps every one; an address listed in <see cref="Refusing"/> fails as unreachable.</summary>
internal sealed class FakeConnector : IHostConnector
{
    private readonly Lock _gate = new();
    private readonly List<ConnectionFakeHost> _made = [];

    public HashSet<string> Refusing { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<ConnectionFakeHost> Made
    {
        get { lock (_gate) { return [.. _made]; } }
    }

    public IHyperVHost Connect(HostConnectionSettings settings)
    {
        var failure = Refusing.Contains(settings.Address)
            ? new HostOperationException(HostErrorKind.Unreachable, settings.Name, "Get host facts", "Connection refused")
            : null;
        var host = new ConnectionFakeHost(settings, failure);
        lock (_gate)
        {
            _made.Add(host);
        }

        return host;
    }
}

/// <summary>A logger that keeps what it was told, for asserting what an operator would read.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Message, Exception? Error)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Error)> Entries
    {
        get { lock (_gate) { return [.. _entries]; } }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    /// <summary>Called on the logging thread after each entry is kept (outside the list's lock): a test may hold that thread there.</summary>
    public Action<EventId>? Logged { get; set; }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((logLevel, formatter(state, exception), exception));
        }

        Logged?.Invoke(eventId);
    }
}
