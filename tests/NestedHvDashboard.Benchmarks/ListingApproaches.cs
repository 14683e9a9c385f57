using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell;

namespace NestedHvDashboard.Benchmarks;

/// <summary>One way of listing every VM of every host, over connections it opens once.</summary>
internal interface IListing : IAsyncDisposable
{
    string Name { get; }

    Task OpenAsync();

    /// <summary>Lists every host's VMs, hosts in parallel: how many VMs, and how many PowerShell invocations it took.</summary>
    Task<(int Vms, int Invocations)> ListAsync();
}

/// <summary>The dashboard's engine: one batched script per host (Get-VM, Get-VMProcessor, Get-VMNetworkAdapter, ... for all VMs at once), mapped to VmSnapshots.</summary>
internal sealed class EngineListing(IReadOnlyList<HostConnectionSettings> settings) : IListing
{
    private readonly List<IHyperVHost> _hosts = [.. settings.Select(s => HyperVHostFactory.Create(s))];

    public string Name => "engine";

    public Task OpenAsync() => ListAsync();

    public async Task<(int Vms, int Invocations)> ListAsync()
    {
        var inventories = await Task.WhenAll(_hosts.Select(h => h.GetInventoryAsync()));
        return (inventories.Sum(i => i.Vms.Count), _hosts.Count);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>
/// A naive tool: one remote session per host, Get-VM, then Get-VMProcessor and Get-VMNetworkAdapter for each VM by
/// name, each its own invocation, one after the other (awaited, so no thread waits on the network).
/// </summary>
internal sealed class PerVmListing(IReadOnlyList<HostConnectionSettings> settings) : IListing
{
    private readonly List<Runspace> _runspaces = [.. settings.Select(s => RemoteConnections.CreateSshRunspace(s))];

    public string Name => "per VM";

    public Task OpenAsync() => Task.WhenAll(_runspaces.Select(r => Task.Run(r.Open)));

    public async Task<(int Vms, int Invocations)> ListAsync()
    {
        var results = await Task.WhenAll(_runspaces.Select(ListHostAsync));
        return (results.Sum(r => r.Vms), results.Sum(r => r.Invocations));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var runspace in _runspaces)
        {
            runspace.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<(int Vms, int Invocations)> ListHostAsync(Runspace runspace)
    {
        var invocations = 1;
        var vms = await InvokeAsync(runspace, ps => ps.AddCommand("Get-VM"));
        foreach (var vm in vms)
        {
            var name = (string)vm.Properties["Name"].Value;
            var processors = await InvokeAsync(runspace, ps => ps.AddCommand("Get-VMProcessor").AddParameter("VMName", name));
            var adapters = await InvokeAsync(runspace, ps => ps.AddCommand("Get-VMNetworkAdapter").AddParameter("VMName", name));
            invocations += 2;
            if (processors.Count != 1 || adapters.Count == 0)
            {
                throw new InvalidOperationException($"VM {name}: {processors.Count} processors, {adapters.Count} adapters.");
            }
        }

        return (vms.Count, invocations);
    }

    private static async Task<PSDataCollection<PSObject>> InvokeAsync(Runspace runspace, Action<System.Management.Automation.PowerShell> build)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        build(ps);
        var output = await ps.InvokeAsync();
        return ps.Streams.Error.Count > 0 ? throw new InvalidOperationException(ps.Streams.Error[0].ToString()) : output;
    }
}
