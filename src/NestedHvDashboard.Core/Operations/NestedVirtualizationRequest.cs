namespace NestedHvDashboard.Core.Operations;

/// <summary>What the dashboard may do to a running VM so that nested virtualization can be changed.</summary>
public enum PowerAction
{
    /// <summary>Do not touch the power state: the VM must already be Off, otherwise the request is refused.</summary>
    None,

    /// <summary>Shut the guest down gracefully (Stop-VM), change the setting, start it again.</summary>
    ShutDown,

    /// <summary>Turn the VM off hard (Stop-VM -TurnOff), change the setting, start it again.</summary>
    TurnOff,
}

/// <summary>One click on "enable" or "disable" nested virtualization for one VM.</summary>
/// <param name="HostName">The host the VM lives on; must be the name of the <c>IHyperVHost</c> the request runs against.</param>
/// <param name="VmId">Hyper-V's VM id.</param>
/// <param name="Enable">True to turn ExposeVirtualizationExtensions on, false to turn it off.</param>
/// <param name="PowerAction">What may be done to a running VM.</param>
/// <param name="EnableMacAddressSpoofing">
/// Microsoft's networking companion fix, applied only when <paramref name="Enable"/> is true and the user consented:
/// MAC address spoofing On for every adapter of the VM (allowed while the VM runs).
/// </param>
/// <param name="DisableDynamicMemory">
/// Microsoft's memory companion fix, applied only when <paramref name="Enable"/> is true, the VM has dynamic memory on
/// and the user consented: dynamic memory off. Like the nested setting it needs the VM Off, so a running VM needs a power action.
/// </param>
public sealed record NestedVirtualizationRequest(
    string HostName,
    Guid VmId,
    bool Enable,
    PowerAction PowerAction = PowerAction.None,
    bool EnableMacAddressSpoofing = false,
    bool DisableDynamicMemory = false);
