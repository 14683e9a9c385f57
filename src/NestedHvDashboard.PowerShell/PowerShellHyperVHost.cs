using System.Collections.Concurrent;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.PowerShell;

/// <summary>A Hyper-V host reached through PowerShell (WinRM, SSH or the in-process simulator).</summary>
public sealed partial class PowerShellHyperVHost : IHyperVHost, INestedNetworking, IConnectAhead
{
    private readonly ConcurrentDictionary<Guid, string> _vmNames = new();

    public PowerShellHyperVHost(HostSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Session = session;
    }

    /// <inheritdoc />
    public string Name => Session.HostName;

    /// <summary>The execution seam every call goes through.</summary>
    public HostSession Session { get; }

    /// <inheritdoc />
    public Task ConnectAheadAsync(CancellationToken cancellationToken) => Session.OpenAsync(cancellationToken);

    /// <summary>Each long operation's own limit (graceful shutdown, start, new VM, installing Hyper-V); reads keep the host's timeout.</summary>
    public OperationTimeouts Timeouts { get; set; } = new();

    /// <summary>
    /// Raised with a VM as one of this host's VM calls (a read, or a change such as Set-VMProcessor)
    /// answered it: the host-side watch takes its configuration at once instead of at its config interval.
    /// </summary>
    internal event Action<VmSnapshot>? VmRead;

    /// <summary>
    /// Takes a VM another instance of the dashboard read back after a change on this host (cluster mode): the host-side
    /// watch takes its configuration at its next cycle, as for a change made here, not at its config interval.
    /// </summary>
    public void TakeVmReadElsewhere(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        VmRead?.Invoke(vm);
    }

    /// <summary>
    /// Raised with the host's facts whenever they are read on demand (<see cref="GetHostFactsAsync"/>, e.g. the
    /// refresh action): the host-side watch, which reads them once per connection, takes them at its next Tick.
    /// </summary>
    internal event Action<HostFacts>? HostFactsRead;

    /// <inheritdoc />
    public async Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default)
    {
        var command = new HostCommand(HostScript.HostFacts, Empty, "Get-CimInstance Win32_OperatingSystem, Win32_Processor, Win32_ComputerSystem; Get-VMHostSupportedVersion");
        var (facts, _) = await RunAsync(command, cancellationToken).ConfigureAwait(false);
        var read = facts ?? throw MissingRow(command, "host facts");
        HostFactsRead?.Invoke(read);
        return read;
    }

    /// <inheritdoc />
    public async Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default)
    {
        var command = new HostCommand(HostScript.Inventory, Empty, "Get-VM; Get-VMProcessor; Get-VMNetworkAdapter; Get-VMSnapshot (inventory)");
        var (facts, vms) = await RunAsync(command, cancellationToken).ConfigureAwait(false);
        return new HostInventory(facts ?? throw MissingRow(command, "host facts"), vms, DateTimeOffset.UtcNow);
    }

    /// <inheritdoc />
    public Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(HostScript.GetVm, vmId, "Get-VM -Id", new Dictionary<string, object?>(), cancellationToken);

    /// <inheritdoc />
    public Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(
            HostScript.SetNestedVirtualization,
            vmId,
            $"Set-VMProcessor -ExposeVirtualizationExtensions {PowerShellLiteral(enabled)}",
            new Dictionary<string, object?> { ["Enabled"] = enabled },
            cancellationToken);

    /// <inheritdoc />
    public Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(HostScript.StartVm, vmId, "Start-VM", WithWaitBound([], Timeouts.Start), cancellationToken, Timeouts.Start);

    /// <inheritdoc />
    public Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default)
    {
        var operation = mode switch
        {
            StopMode.ShutDown => "Stop-VM -Force",
            StopMode.TurnOff => "Stop-VM -TurnOff",
            StopMode.Save => "Save-VM",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown stop mode."),
        };
        // Only a graceful shutdown waits for the guest (an L1 shuts its L2 VMs down first); turning off and saving are quick.
        TimeSpan? limit = mode is StopMode.ShutDown ? Timeouts.GracefulShutdown : null;
        return RunOnVmAsync(HostScript.StopVm, vmId, operation, WithWaitBound(new() { ["Mode"] = mode.ToString() }, limit ?? Session.Timeout), cancellationToken, limit);
    }

    /// <inheritdoc />
    public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        ChangePowerAsync(vmId, "Suspend", "Suspend-VM", cancellationToken);

    /// <inheritdoc />
    public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        ChangePowerAsync(vmId, "Resume", "Resume-VM", cancellationToken);

    /// <inheritdoc />
    public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        ChangePowerAsync(vmId, "Restart", "Restart-VM -Force", cancellationToken, Timeouts.Start);

    /// <inheritdoc />
    public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) =>
        ChangePowerAsync(vmId, "RemoveSavedState", "Remove-VMSavedState", cancellationToken);

    /// <inheritdoc />
    public Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default)
    {
        var target = adapterName is null ? "every adapter" : $"adapter '{adapterName}'";
        return RunOnVmAsync(
            HostScript.SetMacAddressSpoofing,
            vmId,
            $"Set-VMNetworkAdapter -MacAddressSpoofing {(enabled ? "On" : "Off")} ({target})",
            new Dictionary<string, object?> { ["AdapterName"] = adapterName, ["Enabled"] = enabled },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) =>
        RunOnVmAsync(
            HostScript.SetDynamicMemory,
            vmId,
            $"Set-VMMemory -DynamicMemoryEnabled {PowerShellLiteral(enabled)}",
            new Dictionary<string, object?> { ["Enabled"] = enabled },
            cancellationToken);

    /// <summary>Removes a VM by id (Remove-VM -Force, turned off first); check-host uses it for its scratch VM only.</summary>
    public async Task RemoveVmAsync(Guid vmId, CancellationToken cancellationToken = default)
    {
        var name = _vmNames.TryGetValue(vmId, out var known) ? known : vmId.ToString();
        var command = new HostCommand(HostScript.RemoveVm, new Dictionary<string, object?> { ["VMId"] = vmId }, "Remove-VM -Force", name);
        await Session.InvokeAsync(command, cancellationToken).ConfigureAwait(false);
        _vmNames.TryRemove(vmId, out _);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Session.DisposeAsync();

    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>();

    private static string PowerShellLiteral(bool value) => value ? "$true" : "$false";

    private static Dictionary<string, object?> WithWaitBound(Dictionary<string, object?> parameters, TimeSpan limit)
    {
        // The script's own wait ends no later than the call does.
        parameters["TimeoutSeconds"] = (int)Math.Ceiling(limit.TotalSeconds);
        return parameters;
    }

    // Pausing, resuming and dropping a saved state are quick; a reset waits for the VM to run again, as a start does.
    private Task<VmSnapshot> ChangePowerAsync(Guid vmId, string action, string operation, CancellationToken cancellationToken, TimeSpan? limit = null) =>
        RunOnVmAsync(HostScript.ChangeVmPower, vmId, operation, WithWaitBound(new() { ["Action"] = action }, limit ?? Session.Timeout), cancellationToken, limit);

    private async Task<VmSnapshot> RunOnVmAsync(
        HostScript script, Guid vmId, string operation, Dictionary<string, object?> parameters, CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        parameters["VMId"] = vmId;
        var command = new HostCommand(script, parameters, operation, _vmNames.TryGetValue(vmId, out var name) ? name : vmId.ToString()) { Limit = limit };
        var (_, vms) = await RunAsync(command, cancellationToken).ConfigureAwait(false);
        var vm = vms.FirstOrDefault(vm => vm.Id == vmId) ?? throw MissingRow(command, "the VM");
        VmRead?.Invoke(vm);
        return vm;
    }

    private async Task<(HostFacts? Facts, IReadOnlyList<VmSnapshot> Vms)> RunAsync(HostCommand command, CancellationToken cancellationToken, Action<System.Management.Automation.PSObject>? onRow = null)
    {
        var rows = await Session.InvokeAsync(command, onRow, cancellationToken).ConfigureAwait(false);
        var result = HostRows.Read(rows);
        RememberNames(result.Vms);

        return result;
    }

    /// <summary>Keeps the VMs' names for errors, as every call's answer does.</summary>
    internal void RememberNames(IEnumerable<VmSnapshot> vms)
    {
        foreach (var vm in vms)
        {
            _vmNames[vm.Id] = vm.Name;
        }
    }

    private HostOperationException MissingRow(HostCommand command, string what) =>
        new(HostErrorKind.HostRefused, Name, command.Operation, $"The host's answer did not include {what}.", command.VmName);
}
