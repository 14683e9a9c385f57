using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Networking;

/// <summary>How a MAC address spoofing change ended.</summary>
/// <param name="Succeeded">True when the host made the change.</param>
/// <param name="Command">The command as the user would type it (the reference document's pipeline for all adapters).</param>
/// <param name="Message">One line for the user, naming the host, the VM and the adapter.</param>
/// <param name="HostMessage">What the host said when it refused, verbatim.</param>
/// <param name="Vm">The VM as the host reported it afterwards, or null when the change failed.</param>
public sealed record MacSpoofingResult(bool Succeeded, string Command, string Message, string? HostMessage, VmSnapshot? Vm);

/// <summary>
/// Turns MAC address spoofing on or off for one adapter or every adapter of a VM (running or not, Hyper-V allows both),
/// and records each change in the <see cref="ActivityLog"/>.
/// </summary>
public sealed class MacSpoofingService(IHostLookup hosts, ActivityLog activity, TimeProvider time)
{
    /// <summary>The command shown for the change; for every adapter it is the reference document's pipeline.</summary>
    public static string CommandText(string vmName, string? adapterName, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(vmName);
        List<PlannedParameter> select = adapterName is null ? [new("VMName", vmName)] : [new("VMName", vmName), new("Name", adapterName)];
        var get = new PlannedCommand("Get-VMNetworkAdapter", select);
        var set = new PlannedCommand("Set-VMNetworkAdapter", [new("MacAddressSpoofing", enabled ? "On" : "Off")]);
        return $"{get.DisplayText} | {set.DisplayText}";
    }

    /// <summary>
    /// Sets MAC address spoofing on <paramref name="adapterName"/> (or every adapter when null) of <paramref name="vm"/>.
    /// Never throws for a host's refusal: the result says what the host said.
    /// </summary>
    public async Task<MacSpoofingResult> SetAsync(string hostName, VmSnapshot vm, string? adapterName, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(vm);
        var command = CommandText(vm.Name, adapterName, enabled);
        var target = adapterName is null ? "every adapter" : $"adapter '{adapterName}'";
        var action = $"MAC spoofing {(enabled ? "on" : "off")}";
        MacSpoofingResult result;
        try
        {
            var host = hosts.Find(hostName)
                ?? throw new HostOperationException(HostErrorKind.Unreachable, hostName, "Set-VMNetworkAdapter", $"The dashboard has no host named '{hostName}'.", vm.Name);
            var after = await host.SetMacAddressSpoofingAsync(vm.Id, adapterName, enabled, cancellationToken);
            result = new(true, command, $"MAC address spoofing is {(enabled ? "On" : "Off")} for {target} of VM '{vm.Name}' on host '{hostName}'.", null, after);
        }
        catch (HostOperationException ex)
        {
            result = new(false, command, $"Turning MAC address spoofing {(enabled ? "On" : "Off")} for {target} of VM '{vm.Name}' on host '{hostName}' failed.", ex.HostMessage, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = new(false, command, $"Turning MAC address spoofing {(enabled ? "On" : "Off")} for {target} of VM '{vm.Name}' on host '{hostName}' could not be run.", ex.Message, null);
        }

        activity.Append(new ActivityEntry(
            time.GetUtcNow(), hostName, vm.Name, vm.Id, Capitalized(action), result.Succeeded ? "Succeeded" : "Failed", result.Message, result.HostMessage));
        return result;
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
