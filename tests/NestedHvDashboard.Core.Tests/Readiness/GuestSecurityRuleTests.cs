using NestedHvDashboard.Core.Guests;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Readiness;

/// <summary>vm.guest-security, and the checklist with what the last read of the guest found (vm.l2-network knows the guest's NAT).</summary>
public class GuestSecurityRuleTests
{
    private static readonly DateTimeOffset ReadAt = new(2026, 12, 5, 7, 12, 0, TimeSpan.Zero);
    private static readonly GuestSecurity Clean = new(GuestSecurityState.Off, GuestSecurityState.Off, GuestSecurityState.Off, HypervisorLaunchType.Auto);

    private static VmSnapshot NestedVm() => Lab.Vm(nested: true) with { NetworkAdapters = [new("Network Adapter", "External", "00155D010203", false)] };

    private static GuestFacts Facts(GuestSecurity? security = null, GuestHyperVState hyperV = GuestHyperVState.Installed, params string[] nats) =>
        new(ReadAt, nats, hyperV, security ?? Clean);

    [Fact]
    public void Never_read_is_unknown_with_the_read_as_its_fix_and_nested_off_passes()
    {
        var unknown = GuestSecurityRule.Evaluate(NestedVm(), null);

        Assert.Equal(ReadinessRuleIds.VmGuestSecurity, unknown.RuleId);
        Assert.Equal(ReadinessStatus.Unknown, unknown.Status);
        Assert.Contains("has not been read", unknown.Reason, StringComparison.Ordinal);
        Assert.Equal(GuestSecurityRule.ReadFix, unknown.Fix);
        Assert.Equal(ReadinessStatus.Pass, GuestSecurityRule.Evaluate(Lab.Vm(), null).Status);
        Assert.False(ReadinessRuleIds.IsBlocking(ReadinessRuleIds.VmGuestSecurity));
    }

    [Fact]
    public void Hypervisorlaunchtype_off_fails_because_hyper_v_cannot_run_with_the_bcdedit_fix()
    {
        var check = GuestSecurityRule.Evaluate(NestedVm(), Facts(Clean with { LaunchType = HypervisorLaunchType.Off }));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("hypervisorlaunchtype is Off", check.Reason, StringComparison.Ordinal);
        Assert.Contains("Hyper-V cannot run in the guest", check.Reason, StringComparison.Ordinal);
        Assert.Contains("2026-12-05 07:12 UTC", check.Reason, StringComparison.Ordinal);
        Assert.Equal(GuestSecurityRule.LaunchTypeFix, check.Fix);
        Assert.Contains("bcdedit /set hypervisorlaunchtype auto", check.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GuestSecurityState.Running, GuestSecurityState.Running, GuestSecurityState.Off, "HVCI (memory integrity)")]
    [InlineData(GuestSecurityState.Running, GuestSecurityState.Off, GuestSecurityState.Running, "Credential Guard")]
    [InlineData(GuestSecurityState.Running, GuestSecurityState.Off, GuestSecurityState.Off, "virtualization-based security (VBS)")]
    public void Vbs_hvci_or_credential_guard_running_warns_naming_it_with_the_documented_fix(GuestSecurityState vbs, GuestSecurityState hvci, GuestSecurityState credentialGuard, string named)
    {
        var check = GuestSecurityRule.Evaluate(NestedVm(), Facts(new GuestSecurity(vbs, hvci, credentialGuard, HypervisorLaunchType.Auto)));

        Assert.Equal(ReadinessStatus.Warn, check.Status);
        Assert.Contains(named, check.Reason, StringComparison.Ordinal);
        Assert.Contains("cannot expose virtualization extensions", check.Reason, StringComparison.Ordinal);
        Assert.Equal(GuestSecurityRule.VbsFix, check.Fix);
    }

    [Fact]
    public void Launch_type_off_with_hvci_fails_and_gives_both_fixes()
    {
        var check = GuestSecurityRule.Evaluate(NestedVm(), Facts(new GuestSecurity(GuestSecurityState.Running, GuestSecurityState.Running, GuestSecurityState.Off, HypervisorLaunchType.Off)));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("HVCI", check.Reason, StringComparison.Ordinal);
        Assert.Contains(GuestSecurityRule.LaunchTypeFix, check.Fix, StringComparison.Ordinal);
        Assert.Contains(GuestSecurityRule.VbsFix, check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_guest_passes_and_configured_but_not_running_is_no_warning()
    {
        Assert.Equal(ReadinessStatus.Pass, GuestSecurityRule.Evaluate(NestedVm(), Facts()).Status);
        Assert.Equal(ReadinessStatus.Pass, GuestSecurityRule.Evaluate(NestedVm(), Facts(Clean with { Vbs = GuestSecurityState.Configured, Hvci = GuestSecurityState.Configured })).Status);
        var notInstalled = GuestSecurityRule.Evaluate(NestedVm(), Facts(Clean with { LaunchType = HypervisorLaunchType.NotSet }, GuestHyperVState.NotInstalled));
        Assert.Equal(ReadinessStatus.Pass, notInstalled.Status);
        Assert.Contains("Hyper-V is not installed in the guest yet", notInstalled.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_boot_store_or_device_guard_class_is_unknown_not_pass()
    {
        var bootUnknown = GuestSecurityRule.Evaluate(NestedVm(), Facts(Clean with { LaunchType = HypervisorLaunchType.Unknown }));
        var nothing = GuestSecurityRule.Evaluate(NestedVm(), Facts(GuestSecurity.Unknown, GuestHyperVState.NotInstalled));

        Assert.Equal(ReadinessStatus.Unknown, bootUnknown.Status);
        Assert.Contains("bcdedit needs an elevated administrator", bootUnknown.Reason, StringComparison.Ordinal);
        Assert.Equal(ReadinessStatus.Unknown, nothing.Status);
        Assert.Contains("Win32_DeviceGuard", nothing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_checklist_with_guest_facts_passes_l2_network_on_nat_and_adds_guest_security_after_it()
    {
        var never = ReadinessEvaluator.EvaluateVmWithGuest(Lab.Host(), NestedVm(), null);
        var withNat = ReadinessEvaluator.EvaluateVmWithGuest(Lab.Host(), NestedVm(), Facts(nats: "LocalNAT"));
        var withoutNat = ReadinessEvaluator.EvaluateVmWithGuest(Lab.Host(), NestedVm(), Facts());

        var l2 = never.Single(c => c.RuleId == ReadinessRuleIds.VmL2Network);
        Assert.Equal(ReadinessStatus.Warn, l2.Status);
        Assert.Contains("the guest has not been read", l2.Reason, StringComparison.Ordinal);
        Assert.Contains("read the guest first", l2.Fix, StringComparison.Ordinal);
        Assert.Equal(ReadinessStatus.Pass, withNat.Single(c => c.RuleId == ReadinessRuleIds.VmL2Network).Status);
        var noNat = withoutNat.Single(c => c.RuleId == ReadinessRuleIds.VmL2Network);
        Assert.Equal(ReadinessStatus.Warn, noNat.Status);
        Assert.Contains("Get-NetNat found none", noNat.Reason, StringComparison.Ordinal);

        var ids = withNat.Select(c => c.RuleId).ToList();
        Assert.Equal(ids.IndexOf(ReadinessRuleIds.VmL2Network) + 1, ids.IndexOf(ReadinessRuleIds.VmGuestSecurity));
        Assert.Equal(ReadinessEvaluator.EvaluateVm(Lab.Host(), NestedVm()).Count + 1, withNat.Count);
        Assert.DoesNotContain(ReadinessEvaluator.EvaluateVm(Lab.Host(), NestedVm()), c => c.RuleId == ReadinessRuleIds.VmGuestSecurity);
    }

    [Fact]
    public void Facts_from_a_read_keep_the_nat_names_and_whether_hyper_v_runs()
    {
        var state = new GuestNetworkState([], [new GuestNat("LocalNAT", "192.168.0.0/24")], [])
        {
            Os = new GuestOs("Microsoft Windows Server 2022 Datacenter", "10.0.20348", true, GuestHyperVState.Installed),
            Security = Clean,
        };

        var facts = GuestFacts.From(state, ReadAt);

        Assert.True(facts.HasNat);
        Assert.Equal(["LocalNAT"], facts.NatNames);
        Assert.True(facts.HyperVRunning);
        Assert.Equal(ReadAt, facts.ReadAt);
        Assert.Equal(GuestSecurity.Unknown, GuestFacts.From(GuestNetworkState.Empty, ReadAt).Security);
        Assert.Null(GuestFacts.From(GuestNetworkState.Empty, ReadAt).HyperVRunning);
        Assert.False((facts with { Security = Clean with { LaunchType = HypervisorLaunchType.Off } }).HyperVRunning);
    }
}
