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

    /// <summary>The L2 VMs inside az-dev-01: running Windows guests on its NAT switch, with only the link-local address Windows takes without DHCP.</summary>
    public static readonly IReadOnlyList<string> AzureL2VmNames = ["l2-app-01", "l2-web-01"];

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
                AddL2Guests(guestHost, AzureL2VmNames);
                break;
            default:
                break;
        }
    }

    // The L2 VMs named (the guest's "l2-app-01" included) run a Windows guest with the lab's credentials, connected to VmNAT.
    private static void AddL2Guests(SimulatedHost l1, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            AddL2Guest(l1, name, "VmNAT");
        }
    }

    /// <summary>
    /// Makes <paramref name="name"/> (added when the L1 has no such VM) a running L2 VM inside the L1 guest <paramref name="l1"/>,
    /// its one adapter on the L1's switch <paramref name="switchName"/>, with a Windows guest that answers PowerShell Direct with
    /// the lab's user and <paramref name="password"/> (the lab's password by default) and has only the link-local address
    /// Windows takes when nobody gives it one.
    /// </summary>
    public static SimulatedVm AddL2Guest(SimulatedHost l1, string name, string switchName, string password = LabScenarios.GuestAdministratorPassword)
    {
        ArgumentNullException.ThrowIfNull(l1);
        var vm = l1.Read(h => h.Vms.Find(v => v.Name == name))
            ?? l1.AddVm(name, v => v.Id = new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{l1.Name}/{name}")).AsSpan(0, 16)));
        vm.GuestOsName = "Windows Server 2022 Datacenter";
        vm.GuestOsVersion = "10.0.20348";
        vm.Notes = "L2 guest";
        vm.NetworkAdapters.Clear();
        vm.NetworkAdapters.Add(new SimulatedVmNetworkAdapter { Name = "Network Adapter", SwitchName = switchName, MacAddress = l1.Update(h => h.NextMacAddress()) });
        vm.State = VMState.Running;
        vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-10);
        vm.Guest = LabScenarios.CreateGuest(l1, vm, password: password);
        vm.Guest.Host.Update(g =>
        {
            var ethernet = g.NetAdapters.Single(a => a.Name == "Ethernet");
            g.IPAddresses.RemoveAll(ip => ip.InterfaceIndex == ethernet.InterfaceIndex);
            var seed = SimulatedHost.StableHash(l1.Name + "/" + name);
            g.IPAddresses.Add(new SimulatedIPAddress { IPAddress = $"169.254.{1 + (seed % 250)}.{1 + (seed / 250 % 250)}", InterfaceIndex = ethernet.InterfaceIndex, PrefixLength = 16, PrefixOrigin = "WellKnown" });
            return 0;
        });
        return vm;
    }
}
