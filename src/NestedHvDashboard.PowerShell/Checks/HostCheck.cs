using System.Diagnostics;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell.Checks;

/// <summary>What check-host does besides the reads.</summary>
public sealed record HostCheckOptions
{
    /// <summary>With <see cref="GuestCredential"/>: the VM whose guest networking is read over PowerShell Direct.</summary>
    public string? GuestVmName { get; init; }

    /// <summary>The guest's administrator, for <see cref="GuestVmName"/>.</summary>
    public GuestCredential? GuestCredential { get; init; }

    /// <summary>Create a scratch VM, switch nested and its companion fixes on it, then remove it.</summary>
    public bool ScratchVm { get; init; }

    /// <summary>The scratch VM's name. Default: "nestedhv-check-" and the time.</summary>
    public string? ScratchVmName { get; init; }

    /// <summary>The switch the scratch VM is connected to. Default: the host's first.</summary>
    public string? ScratchSwitch { get; init; }

    /// <summary>The host-side watch's cycle, as the dashboard's Inventory:Monitor:PollInterval. Default: 2 seconds.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Called after every step (a test seam: e.g. kill the host mid-check).</summary>
    public Action<HostCheckStep>? StepEnded { get; init; }
}

/// <summary>
/// check-host: the operator's proof that the dashboard's own engine works against a host. Every read the dashboard
/// does (host facts, inventory, two cycles of the live watch, readiness, and a guest over PowerShell Direct), then
/// optionally a scratch VM switched through the nested change and removed again, even when a step fails.
/// </summary>
public sealed class HostCheck
{
    private const long ScratchMemoryBytes = 4L << 30;
    private readonly PowerShellHyperVHost _host;
    private readonly HostConnectionSettings _settings;
    private readonly HostCheckOptions _options;
    private readonly List<HostCheckStep> _steps = [];
    private bool _broken;

    private HostCheck(PowerShellHyperVHost host, HostConnectionSettings settings, HostCheckOptions options)
    {
        _host = host;
        _settings = settings;
        _options = options;
    }

    /// <summary>Runs every step against <paramref name="host"/>; after a failed step the rest are skipped, but a scratch VM is always removed.</summary>
    public static async Task<HostCheckReport> RunAsync(PowerShellHyperVHost host, HostConnectionSettings settings, HostCheckOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var check = new HostCheck(host, settings, options);
        var started = DateTimeOffset.UtcNow;
        await check.RunAsync(cancellationToken).ConfigureAwait(false);
        return new HostCheckReport(settings.Name, Describe(settings), started, [.. check._steps]);
    }

    /// <summary>How the host is reached, for the report: never a password.</summary>
    public static string Describe(HostConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var port = settings.Port is { } p ? $":{p}" : "";
        var user = settings.UserName is { Length: > 0 } u ? $" as {u}" : "";
        return $"{settings.Transport} {settings.Address}{port}{user}, timeout {settings.Timeout.TotalSeconds:0.###} s";
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var facts = await StepAsync("host facts", async () =>
        {
            var read = await _host.GetHostFactsAsync(cancellationToken).ConfigureAwait(false);
            return (read, FactsLine(read));
        }).ConfigureAwait(false);
        var inventory = await StepAsync("full inventory", async () =>
        {
            var read = await _host.GetInventoryAsync(cancellationToken).ConfigureAwait(false);
            return (read, $"{read.Vms.Count} VMs ({read.Vms.Count(v => v.State is VmState.Running)} running, {read.Vms.Count(v => v.ExposeVirtualizationExtensions)} with nested on) in one round trip");
        }).ConfigureAwait(false);
        await WatchTwoCyclesAsync(cancellationToken).ConfigureAwait(false);
        await StepAsync("readiness", () => Task.FromResult(Readiness(facts!, inventory!))).ConfigureAwait(false);
        if (_options.GuestVmName is { } guestVm)
        {
            await StepAsync($"guest networking in '{guestVm}' (PowerShell Direct)", () => ReadGuestAsync(guestVm, inventory, cancellationToken)).ConfigureAwait(false);
        }

        if (_options.ScratchVm)
        {
            await new ScratchVmCheck(this).RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WatchTwoCyclesAsync(CancellationToken cancellationToken)
    {
        // The dashboard's own live watch: on the host when it can, else polling, each cycle a full inventory.
        var watch = new HostSideFirstInventoryWatch(new HostSideInventoryWatch(_options.WatchInterval), new PollingInventoryWatch(_options.WatchInterval));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cycles = watch.WatchAsync(new MonitoredHost(_host, _settings.Timeout), stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            for (var cycle = 1; cycle <= 2; cycle++)
            {
                await StepAsync($"watch cycle {cycle}", async () =>
                {
                    if (!await cycles.MoveNextAsync().ConfigureAwait(false))
                    {
                        throw new InvalidOperationException("The watch ended without an inventory.");
                    }

                    return (cycles.Current, $"{cycles.Current.Vms.Count} VMs at {cycles.Current.ReadAt:HH:mm:ss.fff}");
                }).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await cycles.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HostOperationException)
            {
                // Ending the watch: what it reported is already in its step.
            }
        }
    }

    private async Task<(GuestNetworkState, string)> ReadGuestAsync(string vmName, HostInventory? inventory, CancellationToken cancellationToken)
    {
        var credential = _options.GuestCredential ?? throw new ArgumentException("A guest VM needs guest credentials (--guest-user and the password).");
        var vm = inventory?.Vms.FirstOrDefault(v => string.Equals(v.Name, vmName, StringComparison.OrdinalIgnoreCase))
            ?? throw new HostOperationException(HostErrorKind.VmNotFound, _host.Name, "Get-VM", $"The host has no VM named '{vmName}'.", vmName);
        var state = await _host.GetGuestNetworkStateAsync(vm.Id, credential, cancellationToken).ConfigureAwait(false);
        var os = state.Os is { } o ? $"{o.Caption} {o.Version}, Hyper-V {o.HyperV}" : "OS not reported";
        var nats = state.Nats.Count == 0 ? "no NAT" : "NAT " + string.Join(", ", state.Nats.Select(n => $"{n.Name} {n.InternalIPInterfaceAddressPrefix}"));
        return (state, $"{os}; switches: {(state.SwitchNames.Count == 0 ? "none" : string.Join(", ", state.SwitchNames))}; {nats}; {state.Addresses.Count} IPv4 addresses");
    }

    private static (bool, string) Readiness(HostFacts facts, HostInventory inventory)
    {
        var host = ReadinessEvaluator.EvaluateHost(facts);
        var counts = string.Join(", ", Enum.GetValues<ReadinessStatus>().Select(s => $"{host.Count(c => c.Status == s)} {s.ToString().ToLowerInvariant()}"));
        var ready = inventory.Vms.Count(vm => ReadinessEvaluator.CanEnableNested(facts, vm));
        var failing = host.Where(c => c.Status is ReadinessStatus.Fail).Select(c => $"{c.Title}: {c.Reason}").ToList();
        var line = $"host checks: {counts}; {ready} of {inventory.Vms.Count} VMs can have nested virtualization turned on";
        return (true, failing.Count == 0 ? line : $"{line}; failing: {string.Join("; ", failing)}");
    }

    private static string FactsLine(HostFacts facts)
    {
        var versions = facts.SupportedConfigVersions.Count == 0
            ? "no configuration versions"
            : $"configuration versions {facts.SupportedConfigVersions.Min()}..{facts.SupportedConfigVersions.Max()} (default {facts.DefaultConfigVersion?.ToString() ?? "unknown"})";
        var azure = facts.IsAzureVm ? $", Azure VM (security type {facts.AzureSecurityType ?? "unknown"})" : "";
        return $"{facts.Name}: {facts.OsCaption} {facts.OsVersion}, {facts.ProcessorVendor} {facts.ProcessorModel}, {facts.LogicalProcessors} logical processors, " +
            $"Hyper-V {(facts.HyperVPresent ? "present" : "absent")}, {versions}{azure}";
    }

    /// <summary>Runs one step unless an earlier one failed; records its time, result and the host's words.</summary>
    private async Task<T?> StepAsync<T>(string name, Func<Task<(T Value, string Result)>> run, bool always = false)
    {
        if (_broken && !always)
        {
            Record(new HostCheckStep(name, 0, HostCheckStatus.Skipped, "skipped: an earlier step failed"));
            return default;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            var (value, result) = await run().ConfigureAwait(false);
            Record(new HostCheckStep(name, clock.Elapsed.TotalSeconds, HostCheckStatus.Passed, result));
            return value;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _broken = true;
            var (result, said) = ex is HostOperationException host ? ($"{host.Kind}: {host.Operation}", host.HostMessage) : (ex.GetType().Name, ex.Message);
            Record(new HostCheckStep(name, clock.Elapsed.TotalSeconds, HostCheckStatus.Failed, result, said));
            return default;
        }
    }

    private void Record(HostCheckStep step)
    {
        _steps.Add(step);
        _options.StepEnded?.Invoke(step);
    }

    /// <summary>The scratch VM: created, switched (nested on, MAC spoofing on, dynamic memory off, nested off) and always removed.</summary>
    private sealed class ScratchVmCheck(HostCheck check)
    {
        private Guid? _id;
        private bool _mayBeLeft;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var host = check._host;
            var name = check._options.ScratchVmName ?? $"nestedhv-check-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";
            var created = await check.StepAsync($"scratch VM: create '{name}'", async () =>
            {
                var switchName = check._options.ScratchSwitch ?? FirstOf(await host.GetSwitchNamesAsync(cancellationToken).ConfigureAwait(false))
                    ?? throw new HostOperationException(HostErrorKind.HostRefused, host.Name, "Get-VMSwitch", "The host has no virtual switch for the scratch VM; give one with --scratch-switch.");
                VmSnapshot vm;
                try
                {
                    vm = await host.CreateVmAsync(new NewVmRequest(name, ScratchMemoryBytes, 2, switchName), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (HostOperationException error) when (error.Kind is HostErrorKind.StillRunning or HostErrorKind.Timeout or HostErrorKind.Unreachable)
                {
                    // No answer, so the host may have made the VM after all (a refusal made nothing, or removed it).
                    _mayBeLeft = true;
                    throw;
                }

                _id = vm.Id;
                return (vm, $"generation {vm.Generation}, configuration version {vm.ConfigVersion}, {vm.ProcessorCount} vCPUs, switch '{switchName}'");
            }).ConfigureAwait(false);

            await ChangeAsync("enable nested", id => host.SetNestedVirtualizationAsync(id, true, cancellationToken), vm => vm.ExposeVirtualizationExtensions, "nested virtualization on").ConfigureAwait(false);
            await ChangeAsync("MAC spoofing on", id => host.SetMacAddressSpoofingAsync(id, null, true, cancellationToken), vm => vm.NetworkAdapters.All(a => a.MacAddressSpoofing), "MAC address spoofing on for every adapter").ConfigureAwait(false);
            await ChangeAsync("dynamic memory off", id => host.SetDynamicMemoryAsync(id, false, cancellationToken), vm => !vm.DynamicMemoryEnabled, "static memory").ConfigureAwait(false);
            await ChangeAsync("disable nested", id => host.SetNestedVirtualizationAsync(id, false, cancellationToken), vm => !vm.ExposeVirtualizationExtensions, "nested virtualization off").ConfigureAwait(false);

            // Always, whatever failed before: a create that ran out of time may have left the VM, so look it up by name.
            if (created is null && _mayBeLeft)
            {
                _id = await FindByNameAsync(name).ConfigureAwait(false);
            }

            if (_id is { } id)
            {
                await check.StepAsync($"scratch VM: remove '{name}'", async () =>
                {
                    await host.RemoveVmAsync(id, CancellationToken.None).ConfigureAwait(false);
                    return (true, "removed (Remove-VM -Force)");
                }, always: true).ConfigureAwait(false);
            }
        }

        private static string? FirstOf(IReadOnlyList<string> names) => names.Count > 0 ? names[0] : null;

        private Task<VmSnapshot?> ChangeAsync(string what, Func<Guid, Task<VmSnapshot>> change, Func<VmSnapshot, bool> expected, string expectation) =>
            check.StepAsync($"scratch VM: {what}", async () =>
            {
                var vm = await change(_id!.Value).ConfigureAwait(false);
                if (!expected(vm))
                {
                    throw new HostOperationException(HostErrorKind.HostRefused, check._host.Name, what,
                        $"The host accepted the change, but the VM then read back without {expectation}.", vm.Name);
                }

                return (vm, expectation);
            });

        private async Task<Guid?> FindByNameAsync(string name)
        {
            try
            {
                var inventory = await check._host.GetInventoryAsync(CancellationToken.None).ConfigureAwait(false);
                return inventory.Vms.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))?.Id;
            }
            catch (HostOperationException)
            {
                // The host is gone: nothing can be removed now; the create step's failure says so.
                return null;
            }
        }
    }
}
