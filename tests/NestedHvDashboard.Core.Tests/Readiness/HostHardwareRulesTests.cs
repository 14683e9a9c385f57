using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Core.Tests.Readiness;

/// <summary>
/// The AMD family (Microsoft's guide: "AMD EPYC / Ryzen processor or later") and the virtualization extensions
/// (VT-x with EPT, AMD-V with RVI) as Win32_Processor reports them, which it does only while no hypervisor runs.
/// </summary>
public class HostHardwareRulesTests
{
    [Theory]
    [InlineData("AMD EPYC 7763 64-Core Processor", ReadinessStatus.Pass)]
    [InlineData("AMD EPYC 9654 96-Core Processor", ReadinessStatus.Pass)]
    [InlineData("AMD Ryzen 9 7950X 16-Core Processor", ReadinessStatus.Pass)]
    [InlineData("AMD Ryzen Threadripper PRO 5995WX 64-Cores", ReadinessStatus.Pass)]
    [InlineData("AMD Opteron(tm) Processor 6380", ReadinessStatus.Fail)]
    [InlineData("Six-Core AMD Opteron(tm) Processor 2435", ReadinessStatus.Fail)]
    [InlineData("AMD Phenom(tm) II X4 965 Processor", ReadinessStatus.Fail)]
    [InlineData("AMD FX(tm)-8350 Eight-Core Processor", ReadinessStatus.Fail)]
    [InlineData("AMD A10-7850K Radeon R7, 12 Compute Cores 4C+8G", ReadinessStatus.Fail)]
    [InlineData("AMD Athlon(tm) II X2 250 Processor", ReadinessStatus.Fail)]
    [InlineData("AMD Athlon 3000G with Radeon Vega Graphics", ReadinessStatus.Unknown)]
    [InlineData("", ReadinessStatus.Unknown)]
    public void Amd_family_epyc_or_ryzen_passes_and_pre_zen_fails(string model, ReadinessStatus expected)
    {
        var check = HostHardwareRules.ProcessorFamily(Lab.Host(ProcessorVendor.Amd, model: model));

        Assert.Equal("host.processor-family", check.RuleId);
        Assert.Equal(expected, check.Status);
        if (expected is ReadinessStatus.Fail)
        {
            Assert.Contains(model, check.Reason, StringComparison.Ordinal);
            Assert.Contains("EPYC / Ryzen", check.Reason, StringComparison.Ordinal);
            Assert.Contains("EPYC / Ryzen", check.Fix, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_opteron_host_cannot_enable_nested_on_any_vm()
    {
        var host = Lab.Host(ProcessorVendor.Amd, model: "AMD Opteron(tm) Processor 6380");

        Assert.False(ReadinessEvaluator.CanEnableNested(host, Lab.Vm()));
        Assert.Contains("AMD processor is EPYC / Ryzen or later", ReadinessMatrixTests.Find(ReadinessEvaluator.EvaluateVm(host, Lab.Vm()), "vm.host-support").Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProcessorVendor.Intel)]
    [InlineData(ProcessorVendor.Other)]
    [InlineData(ProcessorVendor.Unknown)]
    public void The_family_rule_applies_to_amd_only(ProcessorVendor vendor)
    {
        var check = HostHardwareRules.ProcessorFamily(Lab.Host(vendor, model: "AMD Opteron(tm) Processor 6380"));

        Assert.Equal(ReadinessStatus.Pass, check.Status);
        Assert.Contains("AMD processors only", check.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<bool, bool?, bool?, ReadinessStatus, string> Extensions() => new()
    {
        // With Hyper-V running, Win32_Processor reads False for both: the running hypervisor is the proof, never a failure.
        { true, false, false, ReadinessStatus.Pass, "hypervisor runs" },
        { true, null, null, ReadinessStatus.Pass, "hypervisor runs" },
        { false, true, true, ReadinessStatus.Pass, "VT-x is on in the firmware and the processor has EPT" },
        { false, false, true, ReadinessStatus.Fail, "VT-x is off in the host's firmware" },
        { false, false, false, ReadinessStatus.Fail, "VT-x is off in the host's firmware" },
        { false, true, false, ReadinessStatus.Fail, "no EPT" },
        { false, null, null, ReadinessStatus.Unknown, "did not report" },
        { false, true, null, ReadinessStatus.Unknown, "did not report" },
    };

    [Theory]
    [MemberData(nameof(Extensions))]
    public void Intel_vtx_with_ept_is_read_only_where_the_host_reports_it(bool hyperV, bool? firmware, bool? slat, ReadinessStatus expected, string reason)
    {
        var host = Lab.Host(hyperV: hyperV) with { VirtualizationFirmwareEnabled = firmware, SecondLevelAddressTranslation = slat };

        var check = HostHardwareRules.VirtualizationExtensions(host);

        Assert.Equal("host.virtualization-extensions", check.RuleId);
        Assert.Equal("Intel VT-x with EPT is on", check.Title);
        Assert.Equal(expected, check.Status);
        Assert.Contains(reason, check.Reason, StringComparison.Ordinal);
        if (firmware is false && !hyperV)
        {
            Assert.Contains("Intel Virtualization Technology (VT-x)", check.Fix, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Amd_hosts_are_told_about_amd_v_and_rvi()
    {
        var host = Lab.Host(ProcessorVendor.Amd, hyperV: false) with { VirtualizationFirmwareEnabled = false, SecondLevelAddressTranslation = true };

        var check = HostHardwareRules.VirtualizationExtensions(host);

        Assert.Equal("AMD-V with RVI is on", check.Title);
        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("SVM Mode (AMD-V)", check.Fix, StringComparison.Ordinal);
        Assert.Equal("Cannot: AMD-V off in firmware", HostVerdict.For(host).Text);
    }
}
