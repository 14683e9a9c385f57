using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

public sealed partial class GuestSetupTests
{
    [Fact]
    public async Task The_reference_nat_network_is_created_inside_the_guest()
    {
        var state = await DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, Reference);

        Assert.Contains("VmNAT", state.InternalSwitchNames);
        Assert.Equal(new GuestNat("LocalNAT", "192.168.0.0/24"), Assert.Single(state.Nats));
        Assert.Contains(new GuestIPAddress("192.168.0.1", 24, "vEthernet (VmNAT)"), state.Addresses);

        // Seen by a separate PowerShell Direct session, not through the engine.
        var seen = InGuest("l1-hv", """
            (Get-VMSwitch -Name VmNAT).SwitchType.ToString()
            (Get-NetNat -Name LocalNAT).InternalIPInterfaceAddressPrefix
            (Get-NetIPAddress -InterfaceAlias 'vEthernet (VmNAT)' -AddressFamily IPv4).IPAddress
            """);
        Assert.Equal(["Internal", "192.168.0.0/24", "192.168.0.1"], seen);
    }

    [Fact]
    public async Task A_refused_request_names_the_problems_and_leaves_the_guest_untouched()
    {
        var before = Network(GuestHost("l1-hv"));

        var error = await Assert.ThrowsAsync<NatNetworkRefusedException>(() =>
            DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, new NatNetworkRequest("10.0.1.0/24", "10.0.2.1")));

        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.Prefix);
        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.Gateway);
        Assert.Contains("l1-hv", error.Message, StringComparison.Ordinal);
        Assert.Contains("Net lab", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Network(GuestHost("l1-hv")));
    }

    [Theory]
    [InlineData("New-NetIPAddress", 1)]
    [InlineData("New-NetNat", 2)]
    public async Task A_failing_later_command_undoes_the_earlier_ones(string failing, int index)
    {
        var guest = GuestHost("l1-hv");
        var before = Network(guest);
        guest.FailingCommands[failing] = "Simulated failure of " + failing;

        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, Reference));

        Assert.Equal(HostErrorKind.HostRefused, error.Kind);
        Assert.StartsWith(failing, error.Operation, StringComparison.Ordinal);
        Assert.Equal("l1-hv", error.VmName);
        Assert.Contains("Simulated failure of " + failing, error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Undone: Remove-VMSwitch -Name VmNAT -Force", error.HostMessage, StringComparison.Ordinal);
        Assert.Equal(failing, NatNetworkPlan.Create(Reference, GuestNetworkState.Empty).Plan!.Commands[index].Name);
        Assert.Equal(before, Network(guest));
    }

    [Fact]
    public async Task A_name_with_powershell_syntax_is_refused_by_validation_and_runs_nothing()
    {
        var before = Network(GuestHost("l1-hv"));

        var error = await Assert.ThrowsAsync<NatNetworkRefusedException>(() =>
            DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, Reference with { SwitchName = Malicious }));

        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.SwitchName);
        Assert.Equal(before, Network(GuestHost("l1-hv")));
        Assert.Equal(6, _host.Read(h => h.Vms.Count));
    }

    [Fact]
    public async Task Names_that_pass_validation_are_data_never_code()
    {
        const string switchName = "x'; Remove-VM -Name l2-app-01 -Force; '";
        const string natName = "n\"; Remove-VMSwitch -Name Existing -Force; $(Stop-VM l2-app-01)";
        GuestHost("l1-hv").AddSwitch("Existing", VMSwitchType.Private);

        var state = await DashboardHost.CreateNatNetworkAsync(Id("l1-hv"), Lab, Reference with { SwitchName = switchName, NatName = natName });

        Assert.Contains(switchName, state.InternalSwitchNames);
        Assert.Contains("Existing", state.SwitchNames);
        Assert.Equal(natName, Assert.Single(state.Nats).Name);
        Assert.Contains(state.Addresses, a => a.InterfaceAlias == $"vEthernet ({switchName})");
        Assert.Equal(["l2-app-01"], InGuest("l1-hv", "Get-VM | ForEach-Object Name"));
        Assert.Equal(6, _host.Read(h => h.Vms.Count));

        // Removing passes the same names as data too.
        var after = await DashboardHost.RemoveNatNetworkAsync(Id("l1-hv"), Lab, natName, switchName);
        Assert.Empty(after.Nats);
        Assert.Equal(["Existing"], after.SwitchNames);
        Assert.DoesNotContain(after.Addresses, a => a.InterfaceAlias.StartsWith("vEthernet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Removing_something_the_guest_does_not_have_is_refused()
    {
        var error = await Assert.ThrowsAsync<NatNetworkRefusedException>(() => DashboardHost.RemoveNatNetworkAsync(Id("l1-hv"), Lab, "LocalNAT", "VmNAT"));

        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.NatName);
        Assert.Contains(error.Problems, p => p.Field == NatNetworkField.SwitchName);
    }

    [Fact]
    public async Task A_nat_network_needs_hyper_v_in_the_guest()
    {
        var error = await Assert.ThrowsAsync<HostOperationException>(() => DashboardHost.CreateNatNetworkAsync(Id("l1-plain"), Lab, Reference));

        Assert.Contains("install Hyper-V in the guest first", error.HostMessage, StringComparison.Ordinal);
        Assert.Empty(GuestHost("l1-plain").Read(h => h.Switches.ToList()));
    }
}
