namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// The live inventory: a snapshot plus a stream of change batches. Pages, the hub and tests
/// depend on this; the real one is <see cref="InventoryStore"/>.
/// </summary>
public interface IInventoryFeed
{
    /// <summary>The inventory now; <paramref name="host"/> null means every host.</summary>
    InventorySnapshot GetSnapshot(string? host = null);

    /// <summary>
    /// A snapshot and every change after it, for every host (<paramref name="host"/> null) or one.
    /// Dispose the subscription (or stop enumerating it) to free it.
    /// </summary>
    InventorySubscription Subscribe(string? host = null);
}

/// <summary>A snapshot and the change batches that follow it. Enumerate <see cref="ReadBatchesAsync"/> once.</summary>
public sealed class InventorySubscription : IAsyncDisposable
{
    private readonly Func<CancellationToken, IAsyncEnumerable<InventoryBatch>> _batches;
    private readonly Action? _unsubscribe;

    /// <param name="snapshot">The state the batches start from.</param>
    /// <param name="batches">The batches after the snapshot.</param>
    /// <param name="unsubscribe">Frees the subscription; called once, on dispose.</param>
    public InventorySubscription(InventorySnapshot snapshot, Func<CancellationToken, IAsyncEnumerable<InventoryBatch>> batches, Action? unsubscribe = null)
    {
        Snapshot = snapshot;
        _batches = batches;
        _unsubscribe = unsubscribe;
    }

    /// <summary>The state the batches start from.</summary>
    public InventorySnapshot Snapshot { get; }

    /// <summary>Change batches after <see cref="Snapshot"/>, in order; ends when the subscription is disposed.</summary>
    public IAsyncEnumerable<InventoryBatch> ReadBatchesAsync(CancellationToken cancellationToken = default) => _batches(cancellationToken);

    public ValueTask DisposeAsync()
    {
        _unsubscribe?.Invoke();
        return ValueTask.CompletedTask;
    }
}
