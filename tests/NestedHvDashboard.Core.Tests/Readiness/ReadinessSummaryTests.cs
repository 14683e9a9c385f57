using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Core.Tests.Readiness;

public class ReadinessSummaryTests
{
    private static ReadinessCheck Check(ReadinessStatus status) => new("x", "x", status, "x", null);

    public static TheoryData<ReadinessStatus[], ReadinessStatus> WorstCases() => new()
    {
        { [], ReadinessStatus.Pass },
        { [ReadinessStatus.Pass, ReadinessStatus.Pass], ReadinessStatus.Pass },
        { [ReadinessStatus.Pass, ReadinessStatus.Warn], ReadinessStatus.Warn },
        { [ReadinessStatus.Warn, ReadinessStatus.Unknown, ReadinessStatus.Pass], ReadinessStatus.Unknown },
        { [ReadinessStatus.Unknown, ReadinessStatus.Fail, ReadinessStatus.Warn], ReadinessStatus.Fail },
    };

    [Theory]
    [MemberData(nameof(WorstCases))]
    public void Worst_is_fail_then_unknown_then_warn_then_pass(ReadinessStatus[] statuses, ReadinessStatus worst)
    {
        var summary = ReadinessSummary.From(statuses.Select(Check));

        Assert.Equal(worst, summary.Worst);
        Assert.Equal(statuses.Length, summary.Total);
    }

    [Fact]
    public void Counts_each_status()
    {
        var summary = ReadinessSummary.From(
        [
            Check(ReadinessStatus.Pass), Check(ReadinessStatus.Pass), Check(ReadinessStatus.Pass),
            Check(ReadinessStatus.Warn), Check(ReadinessStatus.Warn),
            Check(ReadinessStatus.Fail),
            Check(ReadinessStatus.Unknown), Check(ReadinessStatus.Unknown), Check(ReadinessStatus.Unknown), Check(ReadinessStatus.Unknown),
        ]);

        Assert.Equal(new ReadinessSummary(ReadinessStatus.Fail, 3, 2, 1, 4), summary);
    }

    [Fact]
    public void Blocking_rules_are_the_guides_prerequisites()
    {
        string[] blocking =
        [
            "host.processor", "host.processor-family", "host.virtualization-extensions", "host.os", "host.hyperv", "host.azure-security-type",
            "vm.host-support", "vm.config-version",
        ];
        string[] notBlocking =
        [
            "host.cluster", "vm.l1-vcpus", "vm.power-state", "vm.dynamic-memory", "vm.memory-resize", "vm.startup-memory", "vm.checkpoints",
            "vm.generation", "vm.guest-os", "vm.clustered", "vm.l2-network",
        ];

        Assert.All(blocking, id => Assert.True(ReadinessRuleIds.IsBlocking(id), id));
        Assert.All(notBlocking, id => Assert.False(ReadinessRuleIds.IsBlocking(id), id));
    }
}
