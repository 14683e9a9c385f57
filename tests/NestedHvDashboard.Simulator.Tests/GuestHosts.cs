using System.Collections;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>A test host whose VMs have guest OSes reachable by PowerShell Direct.</summary>
public static class GuestHosts
{
    /// <summary>
    /// <see cref="TestHosts.Create"/> plus: "l1-hv" (Server 2022 guest running Hyper-V, nested on),
    /// "l1-plain" (Server 2022 without Hyper-V, nested on), "l1-nonested" (Server 2022, nested off),
    /// "w11" (Windows 11 client, nested on), "linux" (running, no Windows guest) and "off-guest" (Off, has a guest).
    /// </summary>
    public static SimulatedHost Create(SimulationTiming? timing = null)
    {
        var host = TestHosts.Create();
        if (timing is not null)
        {
            host.Timing = timing;
        }

        AddGuest(host, "l1-hv", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: true);
        AddGuest(host, "l1-plain", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: false);
        AddGuest(host, "l1-nonested", "Windows Server 2022 Datacenter", "10.0.20348", nested: false, hyperV: false);
        AddGuest(host, "w11", "Windows 11 Enterprise", "10.0.22631", nested: true, hyperV: false);
        AddGuest(host, "off-guest", "Windows Server 2022 Datacenter", "10.0.20348", nested: true, hyperV: false, running: false);
        host.AddVm("linux", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-1);
        });
        return host;
    }

    public static PSCredential Credential(string user = LabScenarios.GuestAdministratorUserName, string password = LabScenarios.GuestAdministratorPassword) =>
        new(user, new System.Net.NetworkCredential("", password).SecurePassword);

    /// <summary>Parameters carrying the lab credential as $cred (scripts declare param($cred)).</summary>
    public static IDictionary WithCredential(PSCredential? credential = null) => new Hashtable { ["cred"] = credential ?? Credential() };

    public static SimulatedGuest GuestOf(SimulatedHost host, string vmName) => host.FindVm(vmName)!.Guest!;

    private static void AddGuest(SimulatedHost host, string name, string os, string version, bool nested, bool hyperV, bool running = true) =>
        LabScenarios.AddWindowsGuestVm(host, name, os, version, nested, hyperV, running);
}
