using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Scenarios;

/// <summary>
/// What some of the demo lab's L1 guests already have inside, so a read of each shows another answer: memory integrity (HVCI)
/// on the Windows 11 host's L1, Credential Guard on the AMD host's L1, the hypervisor kept from starting on the WS2019 host's
/// L1, and on the Azure host's L1 the NAT network Azure needs (MAC spoofing does not help there). Every other guest has
/// VBS off and Windows' default boot entry.
/// </summary>
public static class LabGuestSetups
{
    /// <summary>The NAT network inside the Azure host's L1 guest (az-dev-01).</summary>
    public const string AzureNatName = "LabNAT";

    /// <summary>Its internal prefix.</summary>
    public const string AzureNatPrefix = "192.168.100.0/24";

    /// <summary>Sets up the guest of the lab VM <paramref name="vmName"/> (nothing for a VM not named here).</summary>
    public static void Apply(SimulatedHost guestHost, string vmName)
    {
        ArgumentNullException.ThrowIfNull(guestHost);
        var guard = guestHost.Profile.DeviceGuard;
        switch (vmName)
        {
            case "nested-l1-w11":
                guard.VirtualizationBasedSecurityStatus = 2;
                guard.SecurityServicesConfigured = [2];
                guard.SecurityServicesRunning = [2];
                break;
            case "nested-l1-amd":
                guard.VirtualizationBasedSecurityStatus = 2;
                guard.SecurityServicesConfigured = [1];
                guard.SecurityServicesRunning = [1];
                break;
            case "nested-l1-02":
                guard.HypervisorLaunchType = "Off";
                break;
            case "az-dev-01":
                guestHost.AddSwitch("VmNAT", VMSwitchType.Internal);
                guestHost.Update(h =>
                {
                    var adapter = h.NetAdapters.Single(a => a.Name == "vEthernet (VmNAT)");
                    h.IPAddresses.Add(new SimulatedIPAddress { IPAddress = "192.168.100.1", InterfaceIndex = adapter.InterfaceIndex, PrefixLength = 24, PrefixOrigin = "Manual" });
                    h.NetNat = new SimulatedNetNat { Name = AzureNatName, InternalIPInterfaceAddressPrefix = AzureNatPrefix };
                });
                break;
            default:
                break;
        }
    }
}
