using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Core.Tests.Inventory;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Waits_double_within_jitter_up_to_the_maximum_and_start_over_after_a_reset()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), new Random(7));
        double[] ceilings = [1, 2, 4, 8, 10, 10];

        var delays = ceilings.Select(_ => backoff.NextDelay()).ToList();

        for (var i = 0; i < ceilings.Length; i++)
        {
            Assert.InRange(delays[i].TotalSeconds, ceilings[i] / 2, ceilings[i]);
        }

        Assert.True(delays.Distinct().Count() > 1, "no jitter");
        backoff.Reset();
        Assert.InRange(backoff.NextDelay().TotalSeconds, 0.5, 1);
    }
}
