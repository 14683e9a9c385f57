using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Networking;

/// <summary>Microsoft's two ways for L2 VMs to reach the network.</summary>
public enum L2NetworkingOption
{
    /// <summary>An internal switch with NAT inside the L1 (Microsoft's option 2).</summary>
    Nat,

    /// <summary>An external switch inside the L1, bound to its adapter, with MAC spoofing on the L1's adapters (option 1).</summary>
    External,
}

/// <summary>Which option suits a host, why, and what each gives.</summary>
/// <param name="Recommended">The option to choose.</param>
/// <param name="Why">Why, from the host's facts.</param>
/// <param name="ExternalOffered">False when the external switch would not work on this host (it is then not offered).</param>
public sealed record L2NetworkingAdvice(L2NetworkingOption Recommended, string Why, bool ExternalOffered)
{
    /// <summary>What the external switch gives and needs.</summary>
    public const string ExternalGives =
        "External switch: the L2 VMs sit on the physical network beside the L1 and need its DHCP or addresses from it; the L1's adapters need MAC spoofing, since frames from the L2 VMs' MAC addresses pass through two switches.";

    /// <summary>What NAT gives.</summary>
    public const string NatGives =
        "NAT: the L2 VMs get a private network inside the L1 and reach out through the L1's address; isolated from the physical network, and it works everywhere, public clouds included.";

    /// <summary>
    /// The advice for a host: <paramref name="facts"/> (Azure or not; null when not read), and its switches (null when not read).
    /// Azure drops frames from MAC addresses it did not assign, so spoofing cannot help there; without an external switch on the
    /// host, an L1's external switch would reach no physical network.
    /// </summary>
    public static L2NetworkingAdvice For(HostFacts? facts, IReadOnlyList<L1Switch>? hostSwitches)
    {
        if (facts?.IsAzureVm == true)
        {
            return new(L2NetworkingOption.Nat,
                "This host is an Azure VM: Azure drops frames from MAC addresses it did not assign, so MAC spoofing does not help the L2 VMs and an external switch inside the L1 would reach nothing. Use NAT, as Microsoft advises for public clouds.",
                false);
        }

        if (hostSwitches is not null && !hostSwitches.Any(s => string.Equals(s.SwitchType, "External", StringComparison.OrdinalIgnoreCase)))
        {
            return new(L2NetworkingOption.Nat,
                $"This host has no external switch ({(hostSwitches.Count == 0 ? "no switches" : string.Join(", ", hostSwitches.Select(s => $"{s.Name}: {s.SwitchType}")))}), so its VMs, the L1 included, are not on the physical network: an external switch inside the L1 would reach only this host. Use NAT.",
                false);
        }

        return new(L2NetworkingOption.External,
            hostSwitches is null
                ? "Either works on this host (its switches have not been read). Choose the external switch to put the L2 VMs on the physical network; choose NAT to keep them isolated."
                : "This host has an external switch and is not a public cloud VM, so either works. Choose the external switch to put the L2 VMs on the physical network; choose NAT to keep them isolated.",
            true);
    }
}
