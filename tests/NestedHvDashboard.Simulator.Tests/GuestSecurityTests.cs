using System.Collections;
using System.Management.Automation;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// Inside a simulated guest: Win32_DeviceGuard (root\Microsoft\Windows\DeviceGuard) and bcdedit.exe answer as Windows does, from the
/// guest's profile; the demo lab's L1 guests show each answer.
/// </summary>
public sealed class GuestSecurityTests : IDisposable
{
    private readonly SimulatedHost host = GuestHosts.Create();
    private readonly SimulatorSession session;

    public GuestSecurityTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    private SimulatorSession.Result InGuest(string vm, string scriptBlock) =>
        session.Run($"param($cred, $vm) Invoke-Command -VMName $vm -Credential $cred -ScriptBlock {{ {scriptBlock} }}", new Hashtable { ["cred"] = GuestHosts.Credential(), ["vm"] = vm });

    // Arrays come back deserialized, as over a real remoting session: a PSObject around a list.
    private static IEnumerable<int> Numbers(PSObject instance, string property) =>
        ((IEnumerable)Unwrap(instance.Properties[property].Value)!).Cast<object>().Select(o => Convert.ToInt32(Unwrap(o), System.Globalization.CultureInfo.InvariantCulture));

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    private SimulatedHost Guest(string vm) => host.FindVm(vm)!.Guest!.Host;

    private const string DeviceGuard = "Get-CimInstance -Namespace 'root\\Microsoft\\Windows\\DeviceGuard' -ClassName Win32_DeviceGuard";

    [Fact]
    public void Win32_DeviceGuard_reports_vbs_and_the_running_services_as_numbers()
    {
        var off = Assert.Single(InGuest("l1-hv", DeviceGuard).Succeeded().Output);
        Assert.Equal(0u, off.Properties["VirtualizationBasedSecurityStatus"].Value);
        Assert.Equal([0], Numbers(off, "SecurityServicesRunning"));

        Guest("l1-hv").Update(h =>
        {
            h.Profile.DeviceGuard.VirtualizationBasedSecurityStatus = 2;
            h.Profile.DeviceGuard.SecurityServicesConfigured = [1, 2];
            h.Profile.DeviceGuard.SecurityServicesRunning = [2];
        });
        var running = Assert.Single(InGuest("l1-hv", DeviceGuard).Succeeded().Output);
        Assert.Equal(2u, running.Properties["VirtualizationBasedSecurityStatus"].Value);
        Assert.Equal([1, 2], Numbers(running, "SecurityServicesConfigured"));
        Assert.Equal([2], Numbers(running, "SecurityServicesRunning"));
    }

    [Fact]
    public void An_os_without_device_guard_has_no_such_namespace()
    {
        Guest("l1-hv").Update(h => h.Profile.DeviceGuard.NoDeviceGuardClass = true);

        var error = InGuest("l1-hv", DeviceGuard).OnlyError;

        Assert.StartsWith("Invalid namespace", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bcdedit_shows_auto_once_hyper_v_is_installed_nothing_before_and_what_set_wrote()
    {
        var withHyperV = string.Join("\n", InGuest("l1-hv", "bcdedit.exe /enum '{current}'").Succeeded().Output.Select(o => o.BaseObject));
        var without = string.Join("\n", InGuest("l1-plain", "bcdedit.exe /enum '{current}'").Succeeded().Output.Select(o => o.BaseObject));
        Assert.Contains("identifier              {current}", withHyperV, StringComparison.Ordinal);
        Assert.Contains("hypervisorlaunchtype    Auto", withHyperV, StringComparison.Ordinal);
        Assert.Contains("{current}", without, StringComparison.Ordinal);
        Assert.DoesNotContain("hypervisorlaunchtype", without, StringComparison.Ordinal);

        var set = InGuest("l1-hv", "bcdedit.exe /set hypervisorlaunchtype off; $LASTEXITCODE").Succeeded().Output.Select(o => o.BaseObject).ToList();
        Assert.Equal(["The operation completed successfully.", 0], set);
        Assert.Equal("Off", Guest("l1-hv").Read(h => h.Profile.DeviceGuard.HypervisorLaunchType));
        Assert.Contains("hypervisorlaunchtype    Off", InGuest("l1-hv", "bcdedit.exe /enum '{current}'").Succeeded().Output.Select(o => (string)o.BaseObject));
    }

    [Fact]
    public void A_boot_store_that_refuses_says_access_is_denied_with_exit_code_1()
    {
        Guest("l1-hv").Update(h => h.Profile.DeviceGuard.BootStoreDenied = true);

        var output = InGuest("l1-hv", "bcdedit.exe /enum '{current}'; $LASTEXITCODE").Succeeded().Output.Select(o => o.BaseObject).ToList();

        Assert.Equal(["The boot configuration data store could not be opened.", "Access is denied.", 1], output);
    }

    [Fact]
    public void The_demo_labs_l1_guests_show_hvci_credential_guard_launch_type_off_and_an_azure_nat()
    {
        var lab = LabScenarios.CreateDefaultLab();
        DeviceGuardProfile Of(string hostName, string vm) => lab[hostName].FindVm(vm)!.Guest!.Host.Profile.DeviceGuard;

        Assert.Equal([2], Of(LabScenarios.HostNames.Windows11, "nested-l1-w11").SecurityServicesRunning);
        Assert.Equal([1], Of(LabScenarios.HostNames.Ws2022Amd, "nested-l1-amd").SecurityServicesRunning);
        Assert.Equal("Off", Of(LabScenarios.HostNames.Ws2019Intel, "nested-l1-02").HypervisorLaunchType);
        Assert.Equal(0, Of(LabScenarios.HostNames.Ws2016Intel, "nested-l1-01").VirtualizationBasedSecurityStatus);
        var azureGuest = lab[LabScenarios.HostNames.Ws2025Azure].FindVm("az-dev-01")!.Guest!.Host;
        Assert.Equal(LabGuestSetups.AzureNatName, azureGuest.Read(h => h.NetNat?.Name));
        Assert.Contains(azureGuest.Read(h => h.Switches.Select(s => s.Name).ToList()), n => n == "VmNAT");
    }
}
