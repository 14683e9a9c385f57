using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Core.Tests.Networking;

public sealed class NatNetworkRemovalPlanTests
{
    private static readonly GuestNetworkState Guest = new(["External", "VmNAT"], [new GuestNat("LocalNAT", "192.168.0.0/24")], []);

    [Fact]
    public void Removes_the_nat_then_the_switch()
    {
        var result = NatNetworkRemovalPlan.Create(Guest, "localnat", "vmnat");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(["Remove-NetNat -Name LocalNAT -Confirm:$false", "Remove-VMSwitch -Name VmNAT -Force"], result.Plan.Commands.Select(c => c.DisplayText));
    }

    [Fact]
    public void Either_half_alone()
    {
        Assert.Equal(["Remove-NetNat -Name LocalNAT -Confirm:$false"], NatNetworkRemovalPlan.Create(Guest, "LocalNAT", null).Plan!.Commands.Select(c => c.DisplayText));
        Assert.Equal(["Remove-VMSwitch -Name VmNAT -Force"], NatNetworkRemovalPlan.Create(Guest, null, "VmNAT").Plan!.Commands.Select(c => c.DisplayText));
    }

    [Fact]
    public void Missing_nat_and_switch_are_named()
    {
        var result = NatNetworkRemovalPlan.Create(Guest, "OtherNAT", "Nope");

        Assert.False(result.IsValid);
        Assert.Collection(
            result.Problems,
            p => Assert.Contains("no NAT network named 'OtherNAT' (it has 'LocalNAT')", p.Message, StringComparison.Ordinal),
            p => Assert.Contains("no switch named 'Nope'", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_guest_without_nat_says_so()
    {
        var problem = Assert.Single(NatNetworkRemovalPlan.Create(GuestNetworkState.Empty, "LocalNAT", null).Problems);
        Assert.Contains("has no NAT network", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_to_remove_is_refused() =>
        Assert.Single(NatNetworkRemovalPlan.Create(Guest, null, null).Problems);
}
