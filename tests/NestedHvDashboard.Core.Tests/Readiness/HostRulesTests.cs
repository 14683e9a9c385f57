using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Core.Tests.Readiness;

public class HostRulesTests
{
    public static TheoryData<string?, ReadinessStatus> AzureSecurityTypes() => new()
    {
        { null, ReadinessStatus.Pass },
        { "", ReadinessStatus.Pass },
        { "Standard", ReadinessStatus.Pass },
        { "standard", ReadinessStatus.Pass },
        { "TrustedLaunch", ReadinessStatus.Fail },
        { "ConfidentialVM", ReadinessStatus.Fail },
        { "Unknown", ReadinessStatus.Unknown },
    };

    [Theory]
    [MemberData(nameof(AzureSecurityTypes))]
    public void Azure_vm_host_needs_security_type_standard(string? securityType, ReadinessStatus expected)
    {
        var check = HostRules.AzureSecurityType(Lab.Host(isAzure: true, azureSecurityType: securityType));

        Assert.Equal("host.azure-security-type", check.RuleId);
        Assert.Equal(expected, check.Status);
        if (expected == ReadinessStatus.Fail)
        {
            Assert.Contains(securityType!, check.Reason, StringComparison.Ordinal);
            Assert.Contains("Security type Standard", check.Fix, StringComparison.Ordinal);
        }
        else if (expected == ReadinessStatus.Unknown)
        {
            Assert.Contains("did not answer", check.Reason, StringComparison.Ordinal);
            Assert.Contains("must be Standard", check.Fix, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(check.Fix);
        }
    }

    [Fact]
    public void Confidential_vm_fix_says_it_cannot_be_changed()
    {
        var check = HostRules.AzureSecurityType(Lab.Host(isAzure: true, azureSecurityType: "ConfidentialVM"));

        Assert.Contains("cannot be changed", check.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AzureSecurityTypes))]
    public void Host_that_is_not_an_azure_vm_passes_whatever_the_security_type_field_says(string? securityType, ReadinessStatus ignored)
    {
        _ = ignored;
        var check = HostRules.AzureSecurityType(Lab.Host(isAzure: false, azureSecurityType: securityType));

        Assert.Equal(ReadinessStatus.Pass, check.Status);
        Assert.Equal("Not an Azure VM.", check.Reason);
    }

    [Fact]
    public void Azure_failure_blocks_enabling_nested()
    {
        var host = Lab.Host(isAzure: true, azureSecurityType: "TrustedLaunch");

        Assert.False(ReadinessEvaluator.CanEnableNested(host, Lab.Vm()));
        var support = ReadinessMatrixTests.Find(ReadinessEvaluator.EvaluateVm(host, Lab.Vm()), "vm.host-support");
        Assert.Equal(ReadinessStatus.Fail, support.Status);
        Assert.Contains("Azure security type", support.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "Install-WindowsFeature -Name Hyper-V")]
    [InlineData(false, "Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V")]
    public void Missing_hyperv_fails_with_the_install_command_for_the_edition(bool isServer, string command)
    {
        var check = HostRules.HyperV(Lab.Host(isServer: isServer, hyperV: false));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("Install the Hyper-V role", check.Fix, StringComparison.Ordinal);
        Assert.Contains(command, check.Fix, StringComparison.Ordinal);
        Assert.False(ReadinessEvaluator.CanEnableNested(Lab.Host(isServer: isServer, hyperV: false), Lab.Vm()));
    }

    [Fact]
    public void Present_hyperv_passes()
    {
        Assert.Equal(ReadinessStatus.Pass, HostRules.HyperV(Lab.Host()).Status);
    }

    [Fact]
    public void Other_processor_fails_and_names_the_supported_processors()
    {
        var check = HostRules.Processor(Lab.Host(ProcessorVendor.Other));

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("CentaurHauls", check.Reason, StringComparison.Ordinal);
        Assert.Contains("Intel VT-x with EPT", check.Reason, StringComparison.Ordinal);
        Assert.Contains("AMD EPYC / Ryzen", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Os_check_uses_the_version_when_the_build_is_missing()
    {
        var host = Lab.Host(ProcessorVendor.Amd, "Microsoft Windows Server 2019 Standard", "10.0.17763", build: 0);

        var check = HostRules.OperatingSystem(host);

        Assert.Equal(ReadinessStatus.Fail, check.Status);
        Assert.Contains("build 17763", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Os_check_is_unknown_when_neither_build_nor_version_is_reported()
    {
        var check = HostRules.OperatingSystem(Lab.Host(osVersion: "", build: 0));

        Assert.Equal(ReadinessStatus.Unknown, check.Status);
    }

    [Fact]
    public void Evaluate_host_returns_each_host_rule_once_in_order()
    {
        var ids = ReadinessEvaluator.EvaluateHost(Lab.Host()).Select(c => c.RuleId);

        Assert.Equal(
            ["host.processor", "host.processor-family", "host.virtualization-extensions", "host.os", "host.hyperv", "host.azure-security-type", "host.cluster"],
            ids);
    }
}
