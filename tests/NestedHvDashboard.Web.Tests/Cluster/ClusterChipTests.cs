using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using NestedHvDashboard.Web.Cluster;

namespace NestedHvDashboard.Web.Tests.Cluster;

/// <summary>The app bar's degraded state: nothing while all is well, "Redis lost" or "Lease renewals late" live, nothing on a single instance.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class ClusterChipTests : IAsyncLifetime
{
    private static readonly ClusterHealthReading Well = new(true, null, ["HV-01", "HV-02", "HV-03"], [], 2);
    private readonly BunitContext _context = new();
    private readonly FakeHealth _health = new(Well);

    public ClusterChipTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IClusterHealth>(_health);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void A_single_instance_shows_nothing()
    {
        _context.Services.AddSingleton(ClusterSettings.OneInstance("mgmt01:5000"));
        _health.Reading = _health.Reading with { RedisConnected = false, RedisLostSince = DateTimeOffset.UtcNow };

        Assert.Empty(_context.Render<ClusterChip>().Markup.Trim());
    }

    [Fact]
    public void The_chip_follows_the_cluster_health_live()
    {
        _context.Services.AddSingleton(new ClusterSettings(true, "mgmt01:5000", TimeSpan.FromSeconds(10), "nhv", "127.0.0.1:6379"));
        var chip = _context.Render<ClusterChip>();
        Assert.Empty(chip.FindAll("[data-testid=cluster-chip]"));

        _health.Set(Well with { RedisConnected = false, RedisLostSince = new DateTimeOffset(2026, 12, 5, 10, 15, 30, TimeSpan.Zero), LateRenewals = ["HV-01"] });
        chip.WaitForAssertion(() => Assert.Equal("Redis lost", chip.Find("[data-testid=cluster-chip]").TextContent.Trim()));

        _health.Set(Well with { LateRenewals = ["HV-02"] });
        chip.WaitForAssertion(() => Assert.Equal("Lease renewals late", chip.Find("[data-testid=cluster-chip]").TextContent.Trim()));

        _health.Set(Well);
        chip.WaitForAssertion(() => Assert.Empty(chip.FindAll("[data-testid=cluster-chip]")));
    }

    [Fact]
    public void The_tooltips_say_since_when_what_this_instance_still_watches_and_which_renewals_are_late()
    {
        var lost = Well with { RedisConnected = false, RedisLostSince = new DateTimeOffset(2026, 12, 5, 10, 15, 30, TimeSpan.Zero) };

        Assert.Equal(
            "Redis lost since 10:15:30 UTC; this instance goes on watching its 3 hosts; other instances' hosts are not live here until Redis is back.",
            ClusterChip.RedisLostText(lost));
        Assert.StartsWith("Not renewed within two renew intervals: HV-01, HV-03.", ClusterChip.LateText(Well with { LateRenewals = ["HV-01", "HV-03"] }), StringComparison.Ordinal);
    }

    private sealed class FakeHealth(ClusterHealthReading reading) : IClusterHealth
    {
        public event Action? Changed;

        public ClusterHealthReading Reading { get; set; } = reading;

        public ClusterHealthReading Read() => Reading;

        public void Set(ClusterHealthReading reading)
        {
            Reading = reading;
            Changed?.Invoke();
        }
    }
}
