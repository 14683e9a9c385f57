using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Reliability.Tests.Cluster;

/// <summary>
/// A hub client on one instance, as a wallboard or a script holds it: <c>/hubs/inventory</c> with a token, the whole inventory
/// stream read into the last state of every VM (snapshots replace it, changes update it), with when each VM's last item
/// arrived. It knows the stream's items by their JSON only (no Web types), so the cluster benchmark links it too.
/// </summary>
public sealed class InventoryWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string Host, Guid Vm), VmSnapshot> _vms = new();
    private readonly ConcurrentDictionary<(string Host, Guid Vm), long> _seenAt = new();
    private readonly ConcurrentDictionary<string, HostConnectionState> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private Task _reading = Task.CompletedTask;

    private InventoryWatcher(HubConnection connection) => _connection = connection;

    /// <summary>Items read so far (snapshots and changes), for failure messages.</summary>
    public int Items { get; private set; }

    /// <summary>Snapshots read so far (the first, and each resync).</summary>
    public int Snapshots { get; private set; }

    /// <summary>Why the stream ended, when it ended other than by <see cref="DisposeAsync"/>; null while it runs.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Connects to the hub of the instance at <paramref name="baseAddress"/> and starts reading the stream.</summary>
    public static async Task<InventoryWatcher> ConnectAsync(Uri baseAddress, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/inventory"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await connection.StartAsync();
        var watcher = new InventoryWatcher(connection);
        watcher._reading = watcher.ReadAsync();
        return watcher;
    }

    /// <summary>The VM as this client last heard of it, or null.</summary>
    public VmSnapshot? Vm(string host, Guid id) => Failure is { } failure
        ? throw new InvalidOperationException($"The hub client's stream ended: {failure.Message}", failure)
        : _vms.TryGetValue((host, id), out var vm) ? vm : null;

    /// <summary>When (<see cref="Stopwatch.GetTimestamp"/>) the last item about the VM arrived, or null.</summary>
    public long? SeenAt(string host, Guid id) => _seenAt.TryGetValue((host, id), out var at) ? at : null;

    /// <summary>The host's connection state as this client last heard of it, or null.</summary>
    public HostConnectionState? Host(string host) => _hosts.TryGetValue(host, out var state) ? state : null;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await ReadItemsAsync();
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            Failure = ex;
        }
    }

    private async Task ReadItemsAsync()
    {
        await foreach (var item in _connection.StreamAsync<StreamItem>("Subscribe", (string?)null, _stop.Token))
        {
            Items++;
            var at = Stopwatch.GetTimestamp();
            if (item.Kind == "snapshot")
            {
                Snapshots++;
                _vms.Clear();
                foreach (var host in item.Hosts)
                {
                    _hosts[host.Name] = host.Status.State;
                    foreach (var vm in host.Vms)
                    {
                        _vms[(host.Name, vm.Id)] = vm;
                        _seenAt[(host.Name, vm.Id)] = at;
                    }
                }

                continue;
            }

            foreach (var change in item.Changes)
            {
                switch (change.Kind)
                {
                    case InventoryChangeKind.VmAdded or InventoryChangeKind.VmChanged when change.Vm is { } vm:
                        _vms[(change.Host, vm.Id)] = vm;
                        _seenAt[(change.Host, vm.Id)] = at;
                        break;
                    case InventoryChangeKind.VmRemoved:
                        _vms.TryRemove((change.Host, change.VmId), out _);
                        break;
                    case InventoryChangeKind.HostChanged when change.Status is { } status:
                        _hosts[change.Host] = status.State;
                        break;
                }
            }
        }
    }

    // The hub's item (InventoryStreamItem) as far as a watcher reads it: snapshots and changes; metrics are left out.
    private sealed class StreamItem
    {
        public string Kind { get; set; } = "";

        public List<HostInventoryState> Hosts { get; set; } = [];

        public List<InventoryChange> Changes { get; set; } = [];
    }
}
