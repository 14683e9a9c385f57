using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Readiness;

public class NestedNetworkRuleTests
{
    private static readonly VmNetworkAdapterInfo SpoofingOff = new("Network Adapter", "External", "00155D010203", false);
    private static readonly VmNetworkAdapterInfo SpoofingOn = new("Lab Adapter", "External", "00155D010204", true);

    private static VmSnapshot NestedVm(params VmNetworkAdapterInfo[] adapters) =>
        Lab.Vm(nested: true, name: "Lab VM 01") with { NetworkAdapters = adapters };

    [Fact]
    public void Nested_on_with_mac_spoofing_off_and_no_nat_known_warns_that_L2_VMs_have_no_network_with_both_fixes()
    {
        var check = NestedNetworkRule.Evaluate(Lab.Host(), NestedVm(SpoofingOff));

        Assert.Equal(ReadinessRuleIds.VmL2Network, check.RuleId);
        Assert.Equal(ReadinessStatus.Warn, check.Status);
        Assert.StartsWith("L2 VMs inside will have no network", check.Reason, StringComparison.Ordinal);
        Assert.Contains("Get-VMNetworkAdapter -VMName 'Lab VM 01' | Set-VMNetworkAdapter -MacAddressSpoofing On", check.Fix, StringComparison.Ordinal);
        Assert.Contains("NAT in the guest", check.Fix, StringComparison.Ordinal);
        Assert.False(ReadinessRuleIds.IsBlocking(check.RuleId));
    }

    [Fact]
    public void Mac_spoofing_on_any_adapter_or_nat_in_the_guest_passes()
    {
        Assert.Equal(ReadinessStatus.Pass, NestedNetworkRule.Evaluate(Lab.Host(), NestedVm(SpoofingOff, SpoofingOn)).Status);
        Assert.Equal(ReadinessStatus.Pass, NestedNetworkRule.Evaluate(Lab.Host(), NestedVm(SpoofingOff), guestHasNat: true).Status);
        Assert.Equal(ReadinessStatus.Warn, NestedNetworkRule.Evaluate(Lab.Host(), NestedVm(SpoofingOff), guestHasNat: false).Status);
    }

    [Fact]
    public void In_azure_nat_is_recommended_as_mac_spoofing_does_not_help_there()
    {
        var check = NestedNetworkRule.Evaluate(Lab.Host(isAzure: true), NestedVm(SpoofingOn));

        Assert.Equal(ReadinessStatus.Warn, check.Status);
        Assert.Contains("Azure", check.Reason, StringComparison.Ordinal);
        Assert.Contains("MAC spoofing does not help", check.Reason, StringComparison.Ordinal);
        Assert.Contains("NAT in the guest", check.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("Set-VMNetworkAdapter", check.Fix, StringComparison.Ordinal);
        Assert.Equal(ReadinessStatus.Pass, NestedNetworkRule.Evaluate(Lab.Host(isAzure: true), NestedVm(SpoofingOn), guestHasNat: true).Status);
    }

    [Fact]
    public void Nested_off_or_no_adapter_has_nothing_to_warn_about()
    {
        Assert.Equal(ReadinessStatus.Pass, NestedNetworkRule.Evaluate(Lab.Host(), Lab.Vm() with { NetworkAdapters = [SpoofingOff] }).Status);
        Assert.Equal(ReadinessStatus.Pass, NestedNetworkRule.Evaluate(Lab.Host(), NestedVm()).Status);
    }

    [Fact]
    public void The_evaluator_runs_it_last_with_no_nat_known()
    {
        var checks = ReadinessEvaluator.EvaluateVm(Lab.Host(), NestedVm(SpoofingOff));

        Assert.Equal(ReadinessRuleIds.VmL2Network, checks[^1].RuleId);
        Assert.Equal(ReadinessStatus.Warn, checks[^1].Status);
        Assert.True(ReadinessEvaluator.CanEnableNested(Lab.Host(), NestedVm(SpoofingOff)));
    }
}
