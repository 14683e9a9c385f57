using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NestedHvDashboard.Web.Health;

/// <summary>The thread pool at one moment: work queued and not started, and the threads it has.</summary>
/// <param name="PendingWorkItems">Work items queued and not yet started (<see cref="ThreadPool.PendingWorkItemCount"/>).</param>
/// <param name="Threads">The pool's threads now (<see cref="ThreadPool.ThreadCount"/>).</param>
public sealed record ThreadPoolReading(long PendingWorkItems, int Threads)
{
    /// <summary>The process's thread pool now.</summary>
    public static ThreadPoolReading Now() => new(ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount);
}

/// <summary>
/// Degraded when the thread pool is starved: more work queued than <paramref name="maxPendingWorkItems"/>, or more
/// threads than <paramref name="maxThreads"/> (the pool adds threads slowly when its threads block, so a growing count
/// is the other sign). Starved, the app answers pages, the hub and the hosts' watches late or not at all.
/// </summary>
/// <param name="read">Where the figures come from; default <see cref="ThreadPoolReading.Now"/>.</param>
/// <param name="maxPendingWorkItems">The most queued work that is still healthy (<c>Health:ThreadPool:MaxPendingWorkItems</c>, default 100).</param>
/// <param name="maxThreads">The most threads that is still healthy (<c>Health:ThreadPool:MaxThreads</c>, default 100).</param>
public sealed class ThreadPoolHealthCheck(Func<ThreadPoolReading> read, long maxPendingWorkItems = 100, int maxThreads = 100) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reading = read();
        var data = new Dictionary<string, object>
        {
            ["pendingWorkItems"] = reading.PendingWorkItems,
            ["threads"] = reading.Threads,
        };
        var figures = string.Create(CultureInfo.InvariantCulture, $"{reading.PendingWorkItems} work items queued, {reading.Threads} threads");
        return Task.FromResult(reading.PendingWorkItems > maxPendingWorkItems || reading.Threads > maxThreads
            ? HealthCheckResult.Degraded($"thread pool starved: {figures}", data: data)
            : HealthCheckResult.Healthy($"thread pool: {figures}", data));
    }
}
