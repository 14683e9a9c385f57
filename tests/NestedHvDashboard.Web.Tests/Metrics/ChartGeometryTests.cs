using NestedHvDashboard.Web.Metrics;

namespace NestedHvDashboard.Web.Tests.Metrics;

public sealed class ChartGeometryTests
{
    [Fact]
    public void A_missing_reading_breaks_the_line_and_a_lone_reading_is_a_dot()
    {
        var shape = ChartGeometry.Of([null, 0, 50, null, 100, null, 25, 25], 100);

        Assert.Equal("M1 100 L2 50 M6 75 L7 75", shape.Line);
        Assert.Equal("M4 0h0", shape.Dots);
        Assert.Equal("M1 100L1 100L2 50L2 100Z M6 100L6 75L7 75L7 100Z", shape.Area);
        Assert.Equal(7, shape.Width);
    }

    [Fact]
    public void Values_above_the_scale_stay_on_the_chart_and_an_empty_series_draws_nothing()
    {
        Assert.Equal("M0 0 L1 100", ChartGeometry.Of([12, 0], 4).Line);
        var empty = ChartGeometry.Of([null, null], 100);
        Assert.Equal("", empty.Line);
        Assert.Equal("", empty.Dots);
    }

    [Theory]
    [InlineData(0.3, 1)]
    [InlineData(2, 3)]
    [InlineData(3.7, 5)]
    [InlineData(6, 8)]
    [InlineData(13, 15)]
    [InlineData(106, 150)]
    public void The_memory_scale_is_a_round_number_a_tenth_above_the_peak(double peak, double expected) =>
        Assert.Equal(expected, MetricText.MemoryScale(peak));

    [Theory]
    [InlineData(0.5, "512 MB")]
    [InlineData(4, "4 GB")]
    [InlineData(3.75, "3.8 GB")]
    [InlineData(6144, "6 TB")]
    public void Memory_is_written_as_the_rest_of_the_dashboard_writes_it(double gib, string expected) =>
        Assert.Equal(expected, MetricText.GiB(gib));
}
