using Microsoft.AspNetCore.Components;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// What the VM page's adapters card and the host page's switch of one adapter share: the VM they change, one MAC address
/// spoofing change at a time through the <see cref="MacSpoofingService"/>, how it ended, and the switches' key.
/// </summary>
public abstract class MacSpoofingComponent : VmPartComponent
{
    [Inject]
    public required MacSpoofingService Spoofing { get; init; }

    /// <summary>How the last change ended; null before the first and while one runs.</summary>
    protected MacSpoofingResult? Result { get; private set; }

    /// <summary>True while a change runs.</summary>
    protected bool Running { get; private set; }

    /// <summary>A new key after each change re-creates the switches, so they show the host's answer, not the click.</summary>
    protected int SwitchKey { get; private set; }

    /// <summary>
    /// Turns MAC address spoofing on or off for <paramref name="adapterName"/> (every adapter when null) of the VM (<see cref="VmPartComponent.Vm"/>);
    /// null, and nothing done, while another change runs.
    /// </summary>
    protected async Task<MacSpoofingResult?> ChangeAsync(string? adapterName, bool enabled)
    {
        if (Running)
        {
            return null;
        }

        var (host, vm) = (Host, Vm);
        Running = true;
        Result = null;
        try
        {
            return Result = await Spoofing.SetAsync(await Actor.GetAsync(), host, vm, adapterName, enabled);
        }
        finally
        {
            Running = false;
            SwitchKey++;
        }
    }
}
