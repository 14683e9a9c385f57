using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Tests.Inventory;

/// <summary>The <c>Inventory</c> settings through the options system: bound per section, and every setting that cannot work named at once.</summary>
public sealed class InventoryOptionsTests
{
    private static InventoryOptions Read(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddInventoryOptions().BuildServiceProvider();
        return services.GetRequiredService<IOptions<InventoryOptions>>().Value;
    }

    [Fact]
    public void Each_section_binds_its_own_options()
    {
        var options = Read(("Inventory:Feed:SubscriberCapacity", "16"), ("Inventory:Monitor:PollInterval", "00:00:05"), ("Inventory:Hub:MaxStreamsPerConnection", "3"));

        Assert.Equal(16, options.Feed.SubscriberCapacity);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Monitor.PollInterval);
        Assert.Equal(3, options.Hub.MaxStreamsPerConnection);
    }

    [Fact]
    public void Every_setting_that_cannot_work_is_named_at_once()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(
            ("Inventory:Hub:MaxStreamsPerConnection", "0"),
            ("Inventory:Monitor:PollInterval", "00:00:00"),
            ("Inventory:Feed:SubscriberCapacity", "-1")));

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains("Inventory:Hub:MaxStreamsPerConnection must be at least 1; it is 0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Inventory:Monitor:PollInterval is 00:00:00", error.Message, StringComparison.Ordinal);
        Assert.Contains("Inventory:Feed:SubscriberCapacity must be at least 1; it is -1.", error.Message, StringComparison.Ordinal);
    }
}
