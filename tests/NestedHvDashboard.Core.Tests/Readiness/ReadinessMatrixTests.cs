using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Core.Tests.Readiness;

/// <summary>
/// Every vendor × host OS × configuration version, checked against expectations written out by hand
/// from Microsoft's guide (Intel: WS2016+/Win10+, config ≥ 8.0; AMD: WS2022+/Win11+, config ≥ 9.3).
/// </summary>
public class ReadinessMatrixTests
{
    /// <summary>One host OS: how it reports itself, what the guide says per vendor, and the versions it supports.</summary>
    private sealed record HostOs(
        string Caption, string Version, int Build, bool IsServer, bool IntelOk, bool AmdOk, string HighestConfigVersion);

    // Hand-written from the guide, not derived from the code under test.
    private static readonly Dictionary<string, HostOs> HostOses = new()
    {
        ["WS2012R2"] = new("Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600", 9600, true, IntelOk: false, AmdOk: false, "5.0"),
        ["Win8.1"] = new("Microsoft Windows 8.1 Pro", "6.3.9600", 9600, false, IntelOk: false, AmdOk: false, "5.0"),
        ["WS2016"] = new("Microsoft Windows Server 2016 Datacenter", "10.0.14393", 14393, true, IntelOk: true, AmdOk: false, "8.0"),
        ["WS2019"] = new("Microsoft Windows Server 2019 Datacenter", "10.0.17763", 17763, true, IntelOk: true, AmdOk: false, "9.0"),
        ["WS2022"] = new("Microsoft Windows Server 2022 Datacenter", "10.0.20348", 20348, true, IntelOk: true, AmdOk: true, "10.0"),
        ["WS2025"] = new("Microsoft Windows Server 2025 Datacenter", "10.0.26100", 26100, true, IntelOk: true, AmdOk: true, "12.0"),
        ["Win10-1507"] = new("Microsoft Windows 10 Pro", "10.0.10240", 10240, false, IntelOk: true, AmdOk: false, "6.2"),
        ["Win10-22H2"] = new("Microsoft Windows 10 Enterprise", "10.0.19045", 19045, false, IntelOk: true, AmdOk: false, "9.0"),
        ["Win11-21H2"] = new("Microsoft Windows 11 Pro", "10.0.22000", 22000, false, IntelOk: true, AmdOk: true, "10.0"),
        ["Win11-24H2"] = new("Microsoft Windows 11 Enterprise", "10.0.26100", 26100, false, IntelOk: true, AmdOk: true, "12.0"),
    };

    // (intel ok, amd ok) per configuration version, by hand: Intel needs 8.0+, AMD 9.3+.
    private static readonly Dictionary<string, (bool Intel, bool Amd)> ConfigVersions = new()
    {
        ["5.0"] = (false, false),
        ["6.2"] = (false, false),
        ["7.0"] = (false, false),
        ["7.1"] = (false, false),
        ["8.0"] = (true, false),
        ["8.3"] = (true, false),
        ["9.0"] = (true, false),
        ["9.1"] = (true, false),
        ["9.2"] = (true, false),
        ["9.3"] = (true, true),
        ["10.0"] = (true, true),
        ["11.0"] = (true, true),
        ["12.0"] = (true, true),
    };

    private static readonly string[] AllConfigVersions =
        ["5.0", "6.2", "7.0", "7.1", "8.0", "8.1", "8.2", "8.3", "9.0", "9.1", "9.2", "9.3", "10.0", "11.0", "12.0"];

    public static TheoryData<ProcessorVendor, string, string> Matrix()
    {
        var data = new TheoryData<ProcessorVendor, string, string>();
        foreach (var vendor in Enum.GetValues<ProcessorVendor>())
        {
            foreach (var os in HostOses.Keys)
            {
                foreach (var version in ConfigVersions.Keys)
                {
                    data.Add(vendor, os, version);
                }
            }
        }

        return data;
    }

    [Fact]
    public void Matrix_covers_every_vendor_os_and_version()
    {
        Assert.Equal(4 * 10 * 13, Matrix().Count);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Host_and_vm_checks_match_the_guide(ProcessorVendor vendor, string osKey, string configVersion)
    {
        var os = HostOses[osKey];
        var host = HostFor(vendor, os);
        var vm = Lab.Vm(configVersion);
        var (intelCfg, amdCfg) = ConfigVersions[configVersion];

        var expectedProcessor = vendor switch
        {
            ProcessorVendor.Intel or ProcessorVendor.Amd => ReadinessStatus.Pass,
            ProcessorVendor.Other => ReadinessStatus.Fail,
            _ => ReadinessStatus.Unknown,
        };
        var expectedOs = Expect(vendor, os.IntelOk, os.AmdOk);
        var expectedConfig = Expect(vendor, intelCfg, amdCfg);
        var expectedHostSupport =
            expectedProcessor == ReadinessStatus.Fail || expectedOs == ReadinessStatus.Fail ? ReadinessStatus.Fail
            : expectedProcessor == ReadinessStatus.Unknown || expectedOs == ReadinessStatus.Unknown ? ReadinessStatus.Unknown
            : ReadinessStatus.Pass;
        var expectedCanEnable = vendor != ProcessorVendor.Other
            && expectedOs != ReadinessStatus.Fail
            && expectedConfig != ReadinessStatus.Fail;

        var hostChecks = ReadinessEvaluator.EvaluateHost(host);
        Assert.Equal(expectedProcessor, Find(hostChecks, "host.processor").Status);
        Assert.Equal(expectedOs, Find(hostChecks, "host.os").Status);
        Assert.Equal(ReadinessStatus.Pass, Find(hostChecks, "host.hyperv").Status);
        Assert.Equal(ReadinessStatus.Pass, Find(hostChecks, "host.azure-security-type").Status);

        var vmChecks = ReadinessEvaluator.EvaluateVm(host, vm);
        Assert.Equal(expectedHostSupport, Find(vmChecks, "vm.host-support").Status);
        var config = Find(vmChecks, "vm.config-version");
        Assert.Equal(expectedConfig, config.Status);
        Assert.Equal(expectedCanEnable, ReadinessEvaluator.CanEnableNested(host, vm));

        if (expectedOs == ReadinessStatus.Fail)
        {
            Assert.Contains(os.Caption, Find(hostChecks, "host.os").Reason, StringComparison.Ordinal);
            Assert.Contains(os.Build.ToString(System.Globalization.CultureInfo.InvariantCulture), Find(hostChecks, "host.os").Reason, StringComparison.Ordinal);
            Assert.Contains(
                vendor == ProcessorVendor.Amd ? "Windows Server 2022 or later, or Windows 11 or later" : "Windows Server 2016 or later, or Windows 10 or later",
                Find(hostChecks, "host.os").Fix,
                StringComparison.Ordinal);
        }

        if (expectedConfig == ReadinessStatus.Fail)
        {
            // The upgrade path exists when the host's highest version reaches the vendor's minimum.
            var minimum = vendor == ProcessorVendor.Amd ? new Version(9, 3) : new Version(8, 0);
            var highest = Version.Parse(os.HighestConfigVersion);
            Assert.NotNull(config.Fix);
            if (highest >= minimum)
            {
                Assert.Contains("Update-VMVersion", config.Fix, StringComparison.Ordinal);
                Assert.Contains(os.HighestConfigVersion, config.Fix, StringComparison.Ordinal);
                Assert.Contains("cannot be undone", config.Fix, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("host must be upgraded", config.Fix, StringComparison.Ordinal);
            }
        }
        else if (expectedConfig == ReadinessStatus.Pass)
        {
            Assert.Null(config.Fix);
        }
    }

    /// <summary>Intel and AMD follow their own column; Other has no requirement; Unknown is certain only when both columns agree.</summary>
    private static ReadinessStatus Expect(ProcessorVendor vendor, bool intelOk, bool amdOk) => vendor switch
    {
        ProcessorVendor.Intel => intelOk ? ReadinessStatus.Pass : ReadinessStatus.Fail,
        ProcessorVendor.Amd => amdOk ? ReadinessStatus.Pass : ReadinessStatus.Fail,
        ProcessorVendor.Other => ReadinessStatus.Unknown,
        _ => (intelOk, amdOk) switch
        {
            (true, true) => ReadinessStatus.Pass,
            (false, false) => ReadinessStatus.Fail,
            _ => ReadinessStatus.Unknown,
        },
    };

    private static HostFacts HostFor(ProcessorVendor vendor, HostOs os)
    {
        var highest = Version.Parse(os.HighestConfigVersion);
        var supported = AllConfigVersions.Select(Version.Parse).Where(v => v <= highest).ToList();
        return Lab.Host(vendor, os.Caption, os.Version, os.Build, os.IsServer, supported: supported);
    }

    internal static ReadinessCheck Find(IReadOnlyList<ReadinessCheck> checks, string ruleId) =>
        Assert.Single(checks, c => c.RuleId == ruleId);
}
