using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Readiness;

public class VmRulesTests
{
    // Guest OS as the KVP exchange reports it (name, version), and whether it is Windows Server 2019 or earlier.
    private static readonly Dictionary<string, (string? Name, string? Version, bool? Server2019OrEarlier)> Guests = new()
    {
        ["WS2016"] = ("Windows Server 2016 Datacenter", "10.0.14393", true),
        ["WS2019"] = ("Windows Server 2019 Datacenter", "10.0.17763", true),
        ["WS2022"] = ("Windows Server 2022 Datacenter", "10.0.20348", false),
        ["WS2019-name-only"] = ("Windows Server 2019 Standard", null, true),
        ["WS2022-name-only"] = ("Windows Server 2022 Standard", null, false),
        ["unknown"] = (null, null, null),
    };

    public static TheoryData<int, string> VcpuCases()
    {
        var data = new TheoryData<int, string>();
        foreach (var vcpus in new[] { 225, 226, 240 })
        {
            foreach (var guest in Guests.Keys)
            {
                data.Add(vcpus, guest);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VcpuCases))]
    public void L1_vcpu_limit_applies_to_windows_server_2019_or_earlier(int vcpus, string guestKey)
    {
        var (name, version, old) = Guests[guestKey];
        var expected = vcpus <= 225 ? ReadinessStatus.Pass
            : old switch
            {
                true => ReadinessStatus.Warn,
                false => ReadinessStatus.Pass,
                null => ReadinessStatus.Unknown,
            };

        var check = VmRules.L1Vcpus(Lab.Vm(vcpus: vcpus, guestOsName: name, guestOsVersion: version));

        Assert.Equal("vm.l1-vcpus", check.RuleId);
        Assert.Equal(expected, check.Status);
        if (expected == ReadinessStatus.Warn)
        {
            Assert.Contains("225", check.Fix, StringComparison.Ordinal);
            Assert.Contains("should", check.Reason, StringComparison.Ordinal);
        }

        if (expected == ReadinessStatus.Unknown)
        {
            Assert.Contains("does not report its OS", check.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void L1_vcpu_limit_decides_from_the_build_before_the_name()
    {
        // A stale name with a newer build: the build wins.
        var check = VmRules.L1Vcpus(Lab.Vm(vcpus: 240, guestOsName: "Windows Server 2019 Datacenter", guestOsVersion: "10.0.20348"));

        Assert.Equal(ReadinessStatus.Pass, check.Status);
    }

    [Fact]
    public void L1_vcpu_limit_is_unknown_for_a_build_without_an_edition()
    {
        // 17763 is both Windows Server 2019 and Windows 10 1809.
        var check = VmRules.L1Vcpus(Lab.Vm(vcpus: 240, guestOsName: null, guestOsVersion: "10.0.17763"));

        Assert.Equal(ReadinessStatus.Unknown, check.Status);
    }

    [Fact]
    public void L1_vcpu_limit_is_a_should_so_it_warns_and_does_not_block()
    {
        // Microsoft's guide: "the number of vCPUs should be 225 or less" for a Windows Server 2019 L1: a recommendation.
        var vm = Lab.Vm(vcpus: 240, guestOsName: "Windows Server 2019 Datacenter", guestOsVersion: "10.0.17763");

        Assert.Equal(ReadinessStatus.Warn, VmRules.L1Vcpus(vm).Status);
        Assert.False(ReadinessRuleIds.IsBlocking(ReadinessRuleIds.VmL1Vcpus));
        Assert.True(ReadinessEvaluator.CanEnableNested(Lab.Host(), vm));
    }

    public static TheoryData<VmState, ReadinessStatus, string?> PowerStates() => new()
    {
        { VmState.Off, ReadinessStatus.Pass, null },
        { VmState.Running, ReadinessStatus.Warn, "The dashboard stops the VM (shut down or turn off, your choice), changes the setting and starts it again." },
        { VmState.Paused, ReadinessStatus.Warn, "The dashboard stops the VM (shut down or turn off, your choice), changes the setting and starts it again." },
        { VmState.Starting, ReadinessStatus.Warn, "The dashboard stops the VM (shut down or turn off, your choice), changes the setting and starts it again." },
        { VmState.Saved, ReadinessStatus.Warn, "Remove-VMSavedState" },
        { VmState.SavedCritical, ReadinessStatus.Warn, "Remove-VMSavedState" },
    };

    [Theory]
    [MemberData(nameof(PowerStates))]
    public void Power_state_warns_unless_off(VmState state, ReadinessStatus expected, string? fixContains)
    {
        var check = VmRules.PowerState(Lab.Vm(state: state));

        Assert.Equal("vm.power-state", check.RuleId);
        Assert.Equal(expected, check.Status);
        if (fixContains is null)
        {
            Assert.Null(check.Fix);
        }
        else
        {
            Assert.Contains(fixContains, check.Fix, StringComparison.Ordinal);
            Assert.Contains(state.ToString(), check.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(VmState.Running)]
    [InlineData(VmState.Paused)]
    [InlineData(VmState.Starting)]
    public void A_running_VM_whose_nested_setting_is_already_on_is_not_warned_about_its_power_state(VmState state)
    {
        var check = VmRules.PowerState(Lab.Vm(state: state, nested: true));

        Assert.Equal(ReadinessStatus.Pass, check.Status);
        Assert.Equal($"The VM is {state} and nested virtualization is already on: it need not stop for it.", check.Reason);
        Assert.Null(check.Fix);
    }

    [Theory]
    [InlineData(VmState.Saved)]
    [InlineData(VmState.FastSaved)]
    [InlineData(VmState.Hibernated)]
    public void A_saved_VM_whose_nested_setting_is_already_on_needs_no_power_change_so_is_not_warned(VmState state)
    {
        // Readiness is readiness to run nested: the setting is already on, so nothing needs the VM Off.
        var check = VmRules.PowerState(Lab.Vm(state: state, nested: true));

        Assert.Equal(ReadinessStatus.Pass, check.Status);
        Assert.Null(check.Fix);
    }

    [Fact]
    public void A_saved_VM_with_nested_off_is_still_warned_as_the_change_needs_it_off()
    {
        Assert.Equal(ReadinessStatus.Warn, VmRules.PowerState(Lab.Vm(state: VmState.Saved)).Status);
    }

    [Theory]
    [InlineData("L1-Lab", "Set-VMMemory -VMName L1-Lab -")]
    [InlineData("Lab VM 01", "Set-VMMemory -VMName 'Lab VM 01' -")]
    [InlineData("x'; Remove-Item C:\\ -Recurse; '", "Set-VMMemory -VMName 'x''; Remove-Item C:\\ -Recurse; ''' -")]
    [InlineData("quote\u2019s", "Set-VMMemory -VMName 'quote\u2019\u2019s' -")]
    public void Memory_fixes_name_the_real_VM_quoted_so_the_line_can_be_pasted(string name, string expected)
    {
        var dynamicMemory = VmRules.DynamicMemory(Lab.Vm(dynamicMemory: true, name: name));
        var startup = VmRules.StartupMemory(Lab.Vm(startupBytes: 1024L * 1024 * 1024, name: name));

        Assert.Contains(expected + "DynamicMemoryEnabled $false", dynamicMemory.Fix, StringComparison.Ordinal);
        Assert.Contains(expected + "StartupBytes 4GB", startup.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("<VM>", dynamicMemory.Fix + startup.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Saved_state_fix_offers_start_and_shut_down()
    {
        var check = VmRules.PowerState(Lab.Vm(state: VmState.Saved));

        Assert.Contains("Start the VM and shut it down", check.Fix, StringComparison.Ordinal);
        Assert.Contains("saved", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, ReadinessStatus.Warn)]
    [InlineData(false, ReadinessStatus.Pass)]
    public void Dynamic_memory_warns(bool dynamicMemory, ReadinessStatus expected)
    {
        var check = VmRules.DynamicMemory(Lab.Vm(dynamicMemory: dynamicMemory));

        Assert.Equal("vm.dynamic-memory", check.RuleId);
        Assert.Equal(expected, check.Status);
        if (dynamicMemory)
        {
            Assert.Contains("Set-VMMemory", check.Fix, StringComparison.Ordinal);
            Assert.Contains("-DynamicMemoryEnabled $false", check.Fix, StringComparison.Ordinal);
            Assert.Contains("Off", check.Fix, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(512L * 1024 * 1024, ReadinessStatus.Warn)]
    [InlineData(4L * 1024 * 1024 * 1024 - 1, ReadinessStatus.Warn)]
    [InlineData(4L * 1024 * 1024 * 1024, ReadinessStatus.Pass)]
    [InlineData(16L * 1024 * 1024 * 1024, ReadinessStatus.Pass)]
    public void Startup_memory_under_4gb_warns(long startupBytes, ReadinessStatus expected)
    {
        var check = VmRules.StartupMemory(Lab.Vm(startupBytes: startupBytes));

        Assert.Equal("vm.startup-memory", check.RuleId);
        Assert.Equal(expected, check.Status);
        if (expected == ReadinessStatus.Warn)
        {
            Assert.Contains("Set-VMMemory -VMName L1-Lab -StartupBytes 4GB", check.Fix, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Startup_memory_reason_shows_the_amount()
    {
        Assert.Contains("512 MB", VmRules.StartupMemory(Lab.Vm(startupBytes: 512L * 1024 * 1024)).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, ReadinessStatus.Warn)]
    [InlineData(false, ReadinessStatus.Pass)]
    public void Checkpoints_warn(bool checkpoints, ReadinessStatus expected)
    {
        var check = VmRules.Checkpoints(Lab.Vm(checkpoints: checkpoints));

        Assert.Equal("vm.checkpoints", check.RuleId);
        Assert.Equal(expected, check.Status);
        if (checkpoints)
        {
            Assert.Contains("checkpoint", check.Reason, StringComparison.Ordinal);
            Assert.NotNull(check.Fix);
        }
    }

    [Theory]
    [InlineData(1, ReadinessStatus.Pass)]
    [InlineData(2, ReadinessStatus.Pass)]
    [InlineData(3, ReadinessStatus.Unknown)]
    public void Generation_1_and_2_both_pass(int generation, ReadinessStatus expected)
    {
        Assert.Equal(expected, VmRules.Generation(Lab.Vm(generation: generation)).Status);
    }

    [Fact]
    public void Warnings_do_not_block_enabling_nested()
    {
        var vm = Lab.Vm(state: VmState.Saved, dynamicMemory: true, startupBytes: 1024L * 1024 * 1024, checkpoints: true, generation: 1);

        var checks = ReadinessEvaluator.EvaluateVm(Lab.Host(), vm);

        Assert.True(ReadinessEvaluator.CanEnableNested(Lab.Host(), vm));
        Assert.Equal(4, checks.Count(c => c.Status == ReadinessStatus.Warn));
        Assert.DoesNotContain(checks, c => c.Status == ReadinessStatus.Fail);
    }

    [Fact]
    public void A_sound_vm_on_a_sound_host_passes_everything()
    {
        var checks = ReadinessEvaluator.EvaluateVm(Lab.Host(), Lab.Vm());

        Assert.All(checks, c => Assert.Equal(ReadinessStatus.Pass, c.Status));
        Assert.Equal(
            ["vm.host-support", "vm.config-version", "vm.guest-os", "vm.l1-vcpus", "vm.generation", "vm.power-state", "vm.dynamic-memory",
             "vm.memory-resize", "vm.startup-memory", "vm.checkpoints", "vm.clustered", "vm.l2-network"],
            checks.Select(c => c.RuleId));
        Assert.Equal(checks.Count, checks.Select(c => c.RuleId).Distinct().Count());
    }

    [Fact]
    public void Host_support_check_names_the_failing_host_rules_and_their_fixes()
    {
        var host = Lab.Host(ProcessorVendor.Amd, "Microsoft Windows Server 2019 Datacenter", "10.0.17763", 17763, hyperV: false);

        var check = ReadinessMatrixTests.Find(ReadinessEvaluator.EvaluateVm(host, Lab.Vm()), "vm.host-support");

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("Host operating system", check.Reason, StringComparison.Ordinal);
        Assert.Contains("Hyper-V is installed", check.Reason, StringComparison.Ordinal);
        Assert.Contains("Windows Server 2022 or later", check.Fix, StringComparison.Ordinal);
        Assert.Contains("Install the Hyper-V role", check.Fix, StringComparison.Ordinal);
    }
}
