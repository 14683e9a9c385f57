using Microsoft.Extensions.Diagnostics.HealthChecks;
using NestedHvDashboard.Web.Health;

namespace NestedHvDashboard.Web.Tests.Health;

/// <summary>The thread-pool health check: healthy under its limits, degraded with the figures when the pool is starved.</summary>
public sealed class ThreadPoolHealthCheckTests
{
    [Theory]
    [InlineData(0, 8, HealthStatus.Healthy)]
    [InlineData(100, 100, HealthStatus.Healthy)]
    [InlineData(101, 8, HealthStatus.Degraded)]
    [InlineData(3, 101, HealthStatus.Degraded)]
    [InlineData(230, 212, HealthStatus.Degraded)]
    public async Task Queued_work_or_threads_over_their_limits_is_degraded(long pending, int threads, HealthStatus expected)
    {
        var check = new ThreadPoolHealthCheck(() => new ThreadPoolReading(pending, threads), maxPendingWorkItems: 100, maxThreads: 100);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(expected, result.Status);
        Assert.Contains($"{pending} work items queued, {threads} threads", result.Description, StringComparison.Ordinal);
        Assert.Equal(pending, result.Data["pendingWorkItems"]);
        Assert.Equal(threads, result.Data["threads"]);
    }

    [Fact]
    public void The_reading_is_the_process_thread_pool()
    {
        var reading = ThreadPoolReading.Now();

        Assert.True(reading.Threads >= 1, $"{reading.Threads} threads");
        Assert.True(reading.PendingWorkItems >= 0, $"{reading.PendingWorkItems} queued");
    }
}
