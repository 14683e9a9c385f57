using System.Collections.Concurrent;
using Medallion.Threading.Redis;
using NestedHvDashboard.Core.Inventory;
using StackExchange.Redis;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>The manager's periodic work: keep, take, hand back and renew the leases, and read who owns the other hosts.</summary>
public sealed partial class HostLeaseManager
{
    /// <summary>
    /// One round, about once a second: renews the membership; while Redis answers, re-acquires the hosts kept without it,
    /// takes the hosts this instance should own and hands back those another should, renews the owner records and reads
    /// the others'. While Redis is lost it only keeps what it holds. Raises <see cref="Changed"/> when the reading changed.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        if (await _membership.RenewAsync(cancellationToken))
        {
            try
            {
                var members = _membership.LiveMembers;
                if (members is not null && string.Join(", ", members) is var alive && alive != _membersLogged)
                {
                    _membersLogged = alive;
                    LogMembers(alive);
                }

                var handBacks = new ConcurrentQueue<Task>();

                // Every host at once (Redis pipelines the commands): a dead instance's tens of hosts are taken in a few
                // round trips, not three round trips each, one host after the other.
                await Task.WhenAll(Entries().Select(entry => TickHostAsync(entry, members, handBacks, cancellationToken)));

                // Each waits for its watch to stop before its lock goes: all at once, not one after the other.
                await Task.WhenAll(handBacks);

                await RenewOwnerRecordsAsync();
                await ReadOwnersAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRedisFailed(ex, "renewing the leases");
                _membership.MarkLost();
            }
        }

        RaiseIfChanged();
    }

    private List<HostEntry> Entries()
    {
        lock (_gate)
        {
            // A host nobody waits for nor holds (removed, or between a hand-back and its loop's next wait) is forgotten.
            foreach (var gone in _hosts.Values.Where(e => e.Lease is null && e.Waiters.Count == 0).Select(e => e.Host).ToList())
            {
                _hosts.Remove(gone);
            }

            return _stopped ? [] : [.. _hosts.Values];
        }
    }

    private async Task TickHostAsync(HostEntry entry, IReadOnlyCollection<string>? members, ConcurrentQueue<Task> handBacks, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        HostLease? lease;
        RedisDistributedLockHandle? handle;
        int waiters;
        DateTimeOffset? unownedSince;
        lock (_gate)
        {
            (lease, handle, waiters, unownedSince) = (entry.Lease, entry.Handle, entry.Waiters.Count, entry.UnownedSince);
        }

        if (lease is not null && (handle is null || handle.HandleLostToken.IsCancellationRequested))
        {
            // Kept while Redis was away (or its lock lapsed): taken again before anyone may take new hosts, else given up.
            await RetakeAsync(entry, lease, handle, cancellationToken);
            return;
        }

        if (members is null)
        {
            // Not known who lives: keep what is held, take nothing new.
            return;
        }

        var chosen = Rendezvous.Pick(entry.Host, members);
        if (lease is not null)
        {
            string? rescuedAmong;
            string? wantedBy;
            lock (_gate)
            {
                (rescuedAmong, wantedBy) = (entry.RescuedAmong, entry.WantedBy);
            }

            // A host taken as an orphan stays while the members are the same, unless the one chosen for it now says it
            // wants it (it was only slow to take it: starved of CPU, or its tick late), else it would stay here for good.
            if (chosen is not null && chosen != _settings.InstanceId && (rescuedAmong != string.Join(',', members) || wantedBy == chosen))
            {
                // Another live instance should own it: handed back, and it takes it at its next tick.
                Held? given;
                lock (_gate)
                {
                    given = ReferenceEquals(entry.Lease, lease) ? Detach(entry, awaitWatch: true) : null;
                }

                handBacks.Enqueue(GiveBackAsync(given, $"handed back to {chosen}"));
            }

            return;
        }

        var now = _time.GetUtcNow();
        var orphan = unownedSince is { } since && now - since > _settings.LeaseTime * 2;
        if (waiters > 0 && (chosen == _settings.InstanceId || orphan))
        {
            if (!await TakeAsync(entry, chosen == _settings.InstanceId ? null : string.Join(',', members), cancellationToken) && chosen == _settings.InstanceId)
            {
                RaiseExpected(entry);
                await WriteWantRecordAsync(entry.Host);
            }
        }
        else
        {
            lock (_gate)
            {
                entry.Expected = false;
            }
        }
    }

    private void RaiseExpected(HostEntry entry)
    {
        lock (_gate)
        {
            if (entry.Expected)
            {
                return;
            }

            entry.Expected = true;
        }

        Expected?.Invoke(entry.Host);
    }

    // True when taken.
    private async Task<bool> TakeAsync(HostEntry entry, string? rescuedAmong, CancellationToken cancellationToken)
    {
        // Without waiting: held by another (its owner not yet gone, or not yet handing it back), it is tried again next tick.
        var handle = await NewLock(entry.Host).TryAcquireAsync(TimeSpan.Zero, cancellationToken);
        if (handle is null)
        {
            return false;
        }

        var fence = await NextFenceAsync(entry.Host, 0, handle);
        List<TaskCompletionSource<HostLease>> waiters = [];
        HostLease? lease = null;
        var wanted = false;
        lock (_gate)
        {
            // Meanwhile the app stopped or nobody waits any more (removed): the lock goes back.
            if (!_stopped && entry.Lease is null && entry.Waiters.Count > 0 && _hosts.ContainsKey(entry.Host))
            {
                entry.LostSource = new CancellationTokenSource();
                lease = entry.Lease = new HostLease(entry.Host, fence, entry.LostSource.Token);
                entry.Handle = handle;
                entry.LastRenewed = _time.GetUtcNow();
                entry.RescuedAmong = rescuedAmong;
                entry.UnownedSince = null;
                entry.WantedBy = null;
                wanted = entry.Expected;
                entry.Expected = false;
                waiters = [.. entry.Waiters];
                entry.Waiters.Clear();
            }
        }

        if (lease is null)
        {
            await ReleaseLockAsync(handle);
            return false;
        }

        await WriteOwnerRecordAsync(entry.Host, fence);
        if (wanted)
        {
            await DeleteWantRecordAsync(entry.Host);
        }

        LogTaken(entry.Host, fence);
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(lease);
        }

        Acquired?.Invoke(entry.Host, fence);
        return true;
    }

    private async Task RetakeAsync(HostEntry entry, HostLease lease, RedisDistributedLockHandle? lapsed, CancellationToken cancellationToken)
    {
        if (lapsed is not null)
        {
            // Its release deletes the key only while it is still this handle's: harmless when Redis lost it.
            lock (_gate)
            {
                if (ReferenceEquals(entry.Handle, lapsed))
                {
                    entry.Handle = null;
                }
            }

            await ReleaseLockAsync(lapsed);
        }

        var handle = await NewLock(entry.Host).TryAcquireAsync(TimeSpan.Zero, cancellationToken);
        if (handle is null)
        {
            // Another instance holds it now: this one stops watching it at once.
            Held? given;
            lock (_gate)
            {
                given = ReferenceEquals(entry.Lease, lease) ? Detach(entry, awaitWatch: false) : null;
            }

            await GiveBackAsync(given, "held by another instance after Redis came back");
            return;
        }

        var fence = await NextFenceAsync(entry.Host, lease.Fence, handle);
        Held? replaced = null;
        HostLease? renewed = null;
        lock (_gate)
        {
            if (!ReferenceEquals(entry.Lease, lease) || _stopped)
            {
                renewed = null;
            }
            else if (fence == lease.Fence)
            {
                entry.Handle = handle;
                entry.LastRenewed = _time.GetUtcNow();
                renewed = lease;
            }
            else
            {
                // Someone held it in between: the old lease's work is stale, the loop starts again on the new fence.
                replaced = Detach(entry, awaitWatch: false);
                entry.LostSource = new CancellationTokenSource();
                renewed = entry.Lease = new HostLease(entry.Host, fence, entry.LostSource.Token);
                entry.Handle = handle;
                entry.LastRenewed = _time.GetUtcNow();
            }
        }

        if (renewed is null)
        {
            await ReleaseLockAsync(handle);
            return;
        }

        await WriteOwnerRecordAsync(entry.Host, fence);
        if (replaced is not null)
        {
            await replaced.LostSource.CancelAsync();
            replaced.LostSource.Dispose();
            Released?.Invoke(entry.Host);
            LogTaken(entry.Host, fence);
            Acquired?.Invoke(entry.Host, fence);
        }
    }
}
