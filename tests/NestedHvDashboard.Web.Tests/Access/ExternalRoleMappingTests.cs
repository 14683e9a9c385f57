using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>Which role a provider's claim values or Windows groups give.</summary>
public sealed class ExternalRoleMappingTests
{
    // Through the app's options and validator: the Windows mapping is always read (the OpenID Connect one only with an authority).
    private static ExternalRoleMapping Mapping(string? defaultRole = null)
    {
        using var services = new ServiceCollection().AddSingleton(Configuration("Auth:Windows", defaultRole)).AddExternalSignInSettings().BuildServiceProvider();
        return services.GetRequiredService<ExternalSignInSettings>().Windows;
    }

    private static IConfiguration Configuration(string section, string? defaultRole) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{section}:Roles:Administrator"] = @"LAB\HV-Admins",
            [$"{section}:Roles:Operator"] = @" LAB\HV-Operators , LAB\HV-Leads ,, ",
            [$"{section}:Roles:Viewer"] = @"LAB\Staff",
            [$"{section}:DefaultRole"] = defaultRole,
        }).Build();

    [Theory]
    [InlineData(@"LAB\HV-Admins", "Administrator")]
    [InlineData(@"lab\hv-admins", "Administrator")]
    [InlineData(@"LAB\HV-LEADS", "Operator")]
    [InlineData(@"  LAB\hv-operators ", "Operator")]
    [InlineData(@"lab\staff", "Viewer")]
    public void A_value_gives_its_role_ignoring_case_and_spaces(string value, string role) =>
        Assert.Equal(role, Mapping().RoleFor([value]));

    [Fact]
    public void The_highest_role_wins_whatever_the_order()
    {
        Assert.Equal(DashboardRoles.Administrator, Mapping().RoleFor([@"LAB\Staff", @"LAB\HV-Leads", @"LAB\HV-Admins"]));
        Assert.Equal(DashboardRoles.Operator, Mapping().RoleFor([@"LAB\HV-Operators", @"LAB\Staff"]));
        Assert.Equal(DashboardRoles.Operator, Mapping().RoleFor([@"LAB\Staff", @"LAB\HV-Operators"]));
    }

    [Fact]
    public void No_match_and_no_default_role_is_no_role()
    {
        Assert.Null(Mapping().RoleFor([@"LAB\Domain Users", "HV-Admins", @"LAB\HV-Admins-Old"]));
        Assert.Null(Mapping().RoleFor([]));
    }

    [Fact]
    public void No_match_gives_the_default_role_and_a_match_wins_over_it()
    {
        var mapping = Mapping("operator");
        Assert.Equal(DashboardRoles.Operator, mapping.DefaultRole);
        Assert.Equal(DashboardRoles.Operator, mapping.RoleFor([@"LAB\Domain Users"]));
        Assert.Equal(DashboardRoles.Administrator, mapping.RoleFor([@"LAB\HV-Admins"]));

        // The default is for users nobody mapped; a mapped Viewer stays a Viewer.
        Assert.Equal(DashboardRoles.Viewer, mapping.RoleFor([@"LAB\Staff"]));
    }

    [Fact]
    public void A_default_role_that_is_no_role_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Mapping("Superuser"));
        Assert.Contains("Auth:Windows:DefaultRole", error.Message, StringComparison.Ordinal);
        Assert.Contains("Superuser", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_configured_maps_nobody()
    {
        var mapping = ExternalRoleMapping.From(new OidcSignInOptions());
        Assert.Empty(mapping.AllValues);
        Assert.Null(mapping.RoleFor(["Administrator", "admins"]));
    }

    [Fact]
    public void Every_configured_value_is_listed_once_trimmed() =>
        Assert.Equal([@"LAB\HV-Admins", @"LAB\HV-Operators", @"LAB\HV-Leads", @"LAB\Staff"], Mapping().AllValues);
}
