using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Hardening;

namespace NestedHvDashboard.Web.Tests.Hardening;

/// <summary>The <c>Hardening</c> settings through the options system: defaults, and every setting that cannot work named at once.</summary>
public sealed class HardeningOptionsTests
{
    private static HardeningSettings Read(string environment, params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddDashboardHardening(new Environment(environment))
            .BuildServiceProvider();
        return services.GetRequiredService<HardeningSettings>();
    }

    [Fact]
    public void The_defaults_forbid_framing_take_a_megabyte_and_ask_for_https_outside_Development()
    {
        var production = Read(Environments.Production);
        Assert.True(production.RequireHttps);
        Assert.Equal(HardeningSettings.NoFraming, production.FrameAncestors);
        Assert.Equal(1024 * 1024, production.MaxRequestBodyBytes);
        Assert.Empty(production.KnownProxies);
        Assert.False(Read(Environments.Development).RequireHttps);
    }

    [Fact]
    public void Every_setting_that_cannot_work_is_named_at_once()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(
            Environments.Production,
            ("Hardening:HttpsPort", "70000"),
            ("Hardening:MaxRequestBodyBytes", "0"),
            ("Hardening:KnownProxies:0", "10.0.0.5"),
            ("Hardening:KnownProxies:1", "proxy.lab")));

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains("Hardening:HttpsPort is 70000", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hardening:MaxRequestBodyBytes is 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hardening:KnownProxies has 'proxy.lab'", error.Message, StringComparison.Ordinal);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "NestedHvDashboard.Web";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
