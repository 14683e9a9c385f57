using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Core.Tests.Operations;

/// <summary>PendingNestedChanges with a store: loaded once, saved after every change, nothing kept that could not be saved.</summary>
public sealed class PendingChangeStoreTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static PendingNestedChange Change(int n, string host = "HV01") =>
        new(host, new Guid(n, 0, 0, new byte[8]), $"vm{n}", true, false, Noon.AddMinutes(n));

    [Fact]
    public async Task Changes_saved_before_are_there_once_loaded_and_loaded_once()
    {
        var store = new MemoryStore([Change(2), Change(1)]);

        var pending = new PendingNestedChanges(store);
        await pending.LoadAsync();
        await pending.LoadAsync();

        Assert.Equal(["vm1", "vm2"], pending.List().Select(c => c.VmName));
        Assert.NotNull(pending.Find("hv01", Change(2).VmId));
        Assert.Equal((1, 0), (store.Loads, store.Saves));
    }

    [Fact]
    public async Task A_change_before_the_load_loads_first_and_keeps_what_was_saved()
    {
        var store = new MemoryStore([Change(1)]);
        var pending = new PendingNestedChanges(store);

        await pending.AddAsync(Change(2));

        Assert.Equal(["vm1", "vm2"], store.Saved.Select(c => c.VmName));
        Assert.Equal(["vm1", "vm2"], pending.List().Select(c => c.VmName));
    }

    [Fact]
    public async Task Every_add_and_remove_saves_the_whole_list_oldest_first()
    {
        var store = new MemoryStore([]);
        var pending = new PendingNestedChanges(store);

        await pending.AddAsync(Change(2));
        await pending.AddAsync(Change(1));
        await pending.AddAsync(Change(2) with { Enable = false, RequestedAt = Noon.AddHours(1) });
        Assert.Equal([("vm1", true), ("vm2", false)], store.Saved.Select(c => (c.VmName, c.Enable)));

        Assert.True(await pending.RemoveAsync("hv01", Change(1).VmId));
        Assert.Equal(["vm2"], store.Saved.Select(c => c.VmName));
        var saves = store.Saves;

        Assert.False(await pending.RemoveAsync("HV01", Change(1).VmId));
        Assert.Equal(saves, store.Saves);
    }

    [Fact]
    public async Task A_change_that_cannot_be_saved_is_not_kept_and_the_caller_hears_why()
    {
        var store = new MemoryStore([Change(1)]);
        var pending = new PendingNestedChanges(store);
        store.FailWith = new IOException("No space left on device.");

        var added = await Assert.ThrowsAsync<IOException>(() => pending.AddAsync(Change(2)));
        var removed = await Assert.ThrowsAsync<IOException>(() => pending.RemoveAsync("HV01", Change(1).VmId));

        Assert.Equal("No space left on device.", added.Message);
        Assert.Same(added, removed);
        Assert.Equal(["vm1"], pending.List().Select(c => c.VmName));
        Assert.Equal(["vm1"], store.Saved.Select(c => c.VmName));
    }

    [Fact]
    public async Task Concurrent_adds_all_end_up_saved()
    {
        var store = new MemoryStore([]);
        var pending = new PendingNestedChanges(store);

        await Task.WhenAll(Enumerable.Range(1, 64).Select(n => Task.Run(() => pending.AddAsync(Change(n, n % 2 == 0 ? "HV01" : "HV02")))));

        Assert.Equal(64, pending.List().Count);
        Assert.Equal(pending.List(), store.Saved);
    }

    /// <summary>Keeps the last saved list; can be told to fail saves.</summary>
    private sealed class MemoryStore(IReadOnlyList<PendingNestedChange> initial) : IPendingChangeStore
    {
        private readonly Lock _gate = new();
        private IReadOnlyList<PendingNestedChange> _saved = initial;
        private int _saves;
        private int _loads;

        public Exception? FailWith { get; set; }

        public IReadOnlyList<PendingNestedChange> Saved
        {
            get { lock (_gate) { return _saved; } }
        }

        public int Saves
        {
            get { lock (_gate) { return _saves; } }
        }

        public int Loads
        {
            get { lock (_gate) { return _loads; } }
        }

        public Task<IReadOnlyList<PendingNestedChange>> LoadAsync(CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                _loads++;
                return Task.FromResult(_saved);
            }
        }

        public Task SaveAsync(IReadOnlyList<PendingNestedChange> changes, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                if (FailWith is { } failure)
                {
                    return Task.FromException(failure);
                }

                _saves++;
                _saved = [.. changes];
                return Task.CompletedTask;
            }
        }
    }
}
