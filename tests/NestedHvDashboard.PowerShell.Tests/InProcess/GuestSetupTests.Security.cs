using System.Management.Automation;
using NestedHvDashboard.Core.Guests;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

/// <summary>The guest read's security facts: Win32_DeviceGuard and bcdedit's hypervisorlaunchtype, through the real script.</summary>
public sealed partial class GuestSetupTests
{
    [Fact]
    public async Task A_guest_with_vbs_off_reports_it_and_the_launch_type_windows_sets_for_hyper_v()
    {
        var withHyperV = await DashboardHost.GetGuestNetworkStateAsync(Id("l1-hv"), Lab);
        var without = await DashboardHost.GetGuestNetworkStateAsync(Id("l1-plain"), Lab);

        Assert.Equal(new GuestSecurity(GuestSecurityState.Off, GuestSecurityState.Off, GuestSecurityState.Off, HypervisorLaunchType.Auto), withHyperV.Security);
        Assert.Equal(HypervisorLaunchType.NotSet, without.Security!.LaunchType);
        Assert.True(GuestFacts.From(withHyperV, DateTimeOffset.UnixEpoch).HyperVRunning);
        Assert.False(GuestFacts.From(without, DateTimeOffset.UnixEpoch).HyperVRunning);
    }

    [Fact]
    public async Task Hvci_credential_guard_and_a_launch_type_of_off_are_read_as_the_guest_reports_them()
    {
        GuestHost("l1-hv").Update(h =>
        {
            h.Profile.DeviceGuard.VirtualizationBasedSecurityStatus = 2;
            h.Profile.DeviceGuard.SecurityServicesConfigured = [1, 2];
            h.Profile.DeviceGuard.SecurityServicesRunning = [2];
            h.Profile.DeviceGuard.HypervisorLaunchType = "Off";
        });

        var state = await DashboardHost.GetGuestNetworkStateAsync(Id("l1-hv"), Lab);

        Assert.Equal(new GuestSecurity(GuestSecurityState.Running, GuestSecurityState.Running, GuestSecurityState.Configured, HypervisorLaunchType.Off), state.Security);
        Assert.False(GuestFacts.From(state, DateTimeOffset.UnixEpoch).HyperVRunning);
    }

    [Fact]
    public async Task A_boot_store_that_refuses_and_an_os_without_device_guard_leave_those_facts_unknown()
    {
        GuestHost("l1-hv").Update(h =>
        {
            h.Profile.DeviceGuard.BootStoreDenied = true;
            h.Profile.DeviceGuard.NoDeviceGuardClass = true;
        });

        var state = await DashboardHost.GetGuestNetworkStateAsync(Id("l1-hv"), Lab);

        Assert.Equal(GuestSecurity.Unknown, state.Security);
        Assert.Null(GuestFacts.From(state, DateTimeOffset.UnixEpoch).HyperVRunning);
        Assert.Equal(GuestHyperVState.Installed, state.Os!.HyperV);
    }

    [Fact]
    public void The_security_row_is_parsed_from_its_numbers_and_words()
    {
        static PSObject Row(object? vbs, string configured, string running, string launchType)
        {
            var row = new PSObject();
            row.Properties.Add(new PSNoteProperty("Kind", "GuestSecurity"));
            row.Properties.Add(new PSNoteProperty("VbsStatus", vbs));
            row.Properties.Add(new PSNoteProperty("ServicesConfigured", configured));
            row.Properties.Add(new PSNoteProperty("ServicesRunning", running));
            row.Properties.Add(new PSNoteProperty("LaunchType", launchType));
            return row;
        }

        Assert.Equal(
            new GuestSecurity(GuestSecurityState.Configured, GuestSecurityState.Configured, GuestSecurityState.Off, HypervisorLaunchType.Auto),
            PowerShellHyperVHost.ReadGuestSecurity(Row(1, "2", "0", "Auto")));
        Assert.Equal(
            new GuestSecurity(GuestSecurityState.Running, GuestSecurityState.Off, GuestSecurityState.Running, HypervisorLaunchType.Off),
            PowerShellHyperVHost.ReadGuestSecurity(Row(2, "1", "1", "off")));
        Assert.Equal(GuestSecurity.Unknown, PowerShellHyperVHost.ReadGuestSecurity(Row(null, "", "", "")));
        Assert.Equal(HypervisorLaunchType.NotSet, PowerShellHyperVHost.ReadGuestSecurity(Row(0, "0", "0", "NotSet")).LaunchType);
        Assert.Equal(
            GuestSecurity.Unknown with { Vbs = GuestSecurityState.Off, Hvci = GuestSecurityState.Off, CredentialGuard = GuestSecurityState.Off },
            PowerShellHyperVHost.ReadGuestSecurity(Row(0, "0", "0", "")));
    }
}
