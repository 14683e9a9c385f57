using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Core.Tests.Readiness;

public class HostVerdictTests
{
    public static TheoryData<HostFacts, HostVerdictKind, string> Hosts() => new()
    {
        { Lab.Host(), HostVerdictKind.CanNest, "Can run nested (Intel, WS2022)" },
        { Lab.Host(caption: "Microsoft Windows Server 2019 Datacenter", osVersion: "10.0.17763", build: 17763), HostVerdictKind.CanNest, "Can run nested (Intel, WS2019)" },
        { Lab.Host(vendor: ProcessorVendor.Amd), HostVerdictKind.CanNest, "Can run nested (AMD, WS2022)" },
        { Lab.Host(caption: "Microsoft Windows 11 Pro", osVersion: "10.0.22631", build: 22631, isServer: false), HostVerdictKind.CanNest, "Can run nested (Intel, Windows 11)" },
        { Lab.Host(vendor: ProcessorVendor.Amd, caption: "Microsoft Windows Server 2019 Datacenter", osVersion: "10.0.17763", build: 17763), HostVerdictKind.Cannot, "Cannot: AMD needs Windows Server 2022+" },
        { Lab.Host(vendor: ProcessorVendor.Amd, caption: "Microsoft Windows 10 Pro", osVersion: "10.0.19045", build: 19045, isServer: false), HostVerdictKind.Cannot, "Cannot: AMD needs Windows 11+" },
        { Lab.Host(caption: "Microsoft Windows Server 2012 R2", osVersion: "6.3.9600", build: 9600), HostVerdictKind.Cannot, "Cannot: Intel needs Windows Server 2016+" },
        { Lab.Host(isAzure: true, azureSecurityType: "TrustedLaunch"), HostVerdictKind.Cannot, "Cannot: Trusted Launch Azure VM" },
        { Lab.Host(isAzure: true, azureSecurityType: "ConfidentialVM"), HostVerdictKind.Cannot, "Cannot: Confidential Azure VM" },
        { Lab.Host(isAzure: true, azureSecurityType: "Standard"), HostVerdictKind.CanNest, "Can run nested (Intel, WS2022)" },
        { Lab.Host(hyperV: false), HostVerdictKind.Cannot, "Cannot: Hyper-V not installed" },
        { Lab.Host(vendor: ProcessorVendor.Other), HostVerdictKind.Cannot, "Cannot: processor is neither Intel nor AMD" },
        { Lab.Host(isAzure: true, azureSecurityType: "Unknown"), HostVerdictKind.Unknown, "Unknown: Azure security type not known" },
        { Lab.Host(vendor: ProcessorVendor.Unknown, caption: "Microsoft Windows Server 2019 Datacenter", osVersion: "10.0.17763", build: 17763), HostVerdictKind.Unknown, "Unknown: processor maker not reported" },

        // The processor family decides before the OS: an Opteron on WS2016 fails both, and the processor is what cannot change.
        { Lab.Host(vendor: ProcessorVendor.Amd, caption: "Microsoft Windows Server 2016 Datacenter", osVersion: "10.0.14393", build: 14393, model: "AMD Opteron(tm) Processor 6380"), HostVerdictKind.Cannot, "Cannot: AMD Opteron" },
        { Lab.Host(vendor: ProcessorVendor.Amd, model: "AMD Phenom(tm) II X6 1100T Processor"), HostVerdictKind.Cannot, "Cannot: AMD Phenom" },
        { Lab.Host(vendor: ProcessorVendor.Amd, model: "AMD Custom APU 0405"), HostVerdictKind.Unknown, "Unknown: AMD processor family not recognised" },
        { Lab.Host(hyperV: false) with { VirtualizationFirmwareEnabled = false, SecondLevelAddressTranslation = true }, HostVerdictKind.Cannot, "Cannot: VT-x off in firmware" },
        { Lab.Host(hyperV: false) with { VirtualizationFirmwareEnabled = true, SecondLevelAddressTranslation = false }, HostVerdictKind.Cannot, "Cannot: processor has no EPT" },
        { Lab.Host(hyperV: false) with { VirtualizationFirmwareEnabled = true, SecondLevelAddressTranslation = true }, HostVerdictKind.Cannot, "Cannot: Hyper-V not installed" },
        { Lab.Host() with { InFailoverCluster = true, ClusterName = "HV-CLUSTER-01" }, HostVerdictKind.CanNest, "Can run nested (Intel, WS2022)" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_verdict_says_in_words_whether_the_host_can_nest(HostFacts host, HostVerdictKind kind, string text)
    {
        var verdict = HostVerdict.For(host);

        Assert.Equal(kind, verdict.Kind);
        Assert.Equal(text, verdict.Text);
        Assert.Equal(kind is HostVerdictKind.CanNest, verdict.Reason is null);
    }

    [Fact]
    public void The_verdict_agrees_with_the_host_checklist_cannot_exactly_when_a_host_check_fails()
    {
        foreach (var row in Hosts())
        {
            var host = (HostFacts)row[0];
            var failed = ReadinessEvaluator.EvaluateHost(host).Any(c => c.Status is ReadinessStatus.Fail);
            Assert.Equal(failed, HostVerdict.For(host).Kind is HostVerdictKind.Cannot);
        }
    }

    [Fact]
    public void A_trusted_launch_azure_host_without_hyper_v_is_named_for_azure_which_it_cannot_change()
    {
        var verdict = HostVerdict.For(Lab.Host(isAzure: true, azureSecurityType: "TrustedLaunch", hyperV: false));

        Assert.Equal("Cannot: Trusted Launch Azure VM", verdict.Text);
        Assert.Equal("Trusted Launch Azure VM", verdict.Cause);
    }

    [Fact]
    public void An_unreachable_host_or_one_not_read_yet_is_unknown()
    {
        Assert.Equal("Unknown: host unreachable", HostVerdict.For(Lab.Host(), reachable: false).Text);
        Assert.Equal(HostVerdictKind.Unknown, HostVerdict.For(null).Kind);
        Assert.Equal("Unknown: waiting for the host's first answer", HostVerdict.For(null).Text);
    }
}
