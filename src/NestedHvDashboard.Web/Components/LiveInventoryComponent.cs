using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Components;

/// <summary>
/// A page that shows the live inventory. Every circuit reads the one <see cref="SharedInventory"/>: the page holds a
/// reference to the shared, immutable host list, never a copy of it. When a new state is there the page renders it
/// with one InvokeAsync; states that arrive while a render is pending are skipped (the page takes the latest), so a
/// busy circuit renders at most once per feed batch (~10 a second) and never queues. While prerendering it shows the
/// current state only; the live updates belong to the interactive circuit. While the circuit's browser is away (a closed
/// tab's circuit is kept for minutes) the page does not render; it renders the latest state when the browser is back.
/// </summary>
public abstract class LiveInventoryComponent : ComponentBase, IAsyncDisposable
{
    private IDisposable? _listening;
    private int _pending;
    private bool _disposed;

    [Inject]
    public required SharedInventory Inventory { get; init; }

    // The circuit's link to its browser; absent outside a circuit (a test's renderer): always connected then.
    [Inject]
    private IServiceProvider ServiceProvider { get; set; } = default!;

    private CircuitConnection? _connection;

    /// <summary>Every host as the feed last said, in the feed's order (shared with every circuit: do not change it).</summary>
    protected IReadOnlyList<HostInventoryState> Hosts { get; private set; } = [];

    protected override void OnInitialized()
    {
        Hosts = Inventory.Hosts;
        OnInventoryChanged();
        if (RendererInfo.IsInteractive)
        {
            _connection = ServiceProvider.GetService<CircuitConnection>();
            if (_connection is not null)
            {
                _connection.Reconnected += OnSharedChanged;
            }

            _listening = Inventory.Listen(OnSharedChanged);
            // A state published between reading Hosts and listening would otherwise wait for the next one.
            OnSharedChanged();
        }
    }

    /// <summary>Called on the render thread after <see cref="Hosts"/> changed, before the re-render.</summary>
    protected virtual void OnInventoryChanged()
    {
    }

    // On the shared reader's thread: schedule one render unless one is already pending or the browser is away.
    private void OnSharedChanged()
    {
        if (_connection is { IsConnected: false } || Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(Refresh).ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private void Refresh()
    {
        Volatile.Write(ref _pending, 0);
        var hosts = Inventory.Hosts;
        if (_disposed || ReferenceEquals(hosts, Hosts))
        {
            return;
        }

        Hosts = hosts;
        OnInventoryChanged();
        StateHasChanged();
    }

    /// <summary>Called once when the component is disposed (Blazor calls only <see cref="DisposeAsync"/> on it, never a Dispose).</summary>
    protected virtual void OnDisposing()
    {
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _listening?.Dispose();
        if (_connection is not null)
        {
            _connection.Reconnected -= OnSharedChanged;
        }

        OnDisposing();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
