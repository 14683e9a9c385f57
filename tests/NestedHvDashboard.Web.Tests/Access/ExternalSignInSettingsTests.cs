using Microsoft.Extensions.Configuration;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>The OpenID Connect and Windows settings: defaults, and settings that cannot work refused with their names.</summary>
public sealed class ExternalSignInSettingsTests
{
    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void Without_an_authority_there_is_no_OpenID_Connect() =>
        Assert.Null(OpenIdConnectSettings.FromConfiguration(Configuration(("Auth:Oidc:ClientId", "x"))));

    [Fact]
    public void The_defaults_are_single_sign_on_the_roles_claim_https_and_no_default_role()
    {
        var settings = OpenIdConnectSettings.FromConfiguration(Configuration(
            ("Auth:Oidc:Authority", "https://login.microsoftonline.com/tenant-id/v2.0"),
            ("Auth:Oidc:ClientId", "client-1"),
            ("Auth:Oidc:Scopes", "email, offline_access groups")))!;
        Assert.Equal("single sign-on", settings.DisplayName);
        Assert.Equal("roles", settings.RoleClaim);
        Assert.True(settings.RequireHttpsMetadata);
        Assert.Null(settings.ClientSecret);
        Assert.Null(settings.Roles.DefaultRole);
        Assert.Equal(["email", "offline_access", "groups"], settings.Scopes);
    }

    [Fact]
    public void Plain_http_metadata_is_refused_for_a_provider_off_this_machine()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OpenIdConnectSettings.FromConfiguration(Configuration(
            ("Auth:Oidc:Authority", "http://keycloak.lab.local/realms/lab"),
            ("Auth:Oidc:ClientId", "client-1"),
            ("Auth:Oidc:RequireHttpsMetadata", "false"))));
        Assert.Contains("Auth:Oidc:RequireHttpsMetadata", error.Message, StringComparison.Ordinal);
        Assert.Contains("keycloak.lab.local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_is_allowed_on_loopback_only_when_asked_for()
    {
        Assert.Throws<InvalidOperationException>(() => OpenIdConnectSettings.FromConfiguration(Configuration(
            ("Auth:Oidc:Authority", "http://127.0.0.1:8080/realms/lab"), ("Auth:Oidc:ClientId", "client-1"))));
        var settings = OpenIdConnectSettings.FromConfiguration(Configuration(
            ("Auth:Oidc:Authority", "http://127.0.0.1:8080/realms/lab"), ("Auth:Oidc:ClientId", "client-1"), ("Auth:Oidc:RequireHttpsMetadata", "false")));
        Assert.False(settings!.RequireHttpsMetadata);
    }

    [Fact]
    public void An_authority_without_a_client_id_is_refused_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OpenIdConnectSettings.FromConfiguration(Configuration(
            ("Auth:Oidc:Authority", "https://idp.example/"))));
        Assert.Contains("Auth:Oidc:ClientId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_authentication_is_off_by_default() =>
        Assert.False(WindowsAuthentication.IsEnabled(Configuration(), onWindows: false));

    [Fact]
    public void Windows_authentication_on_Windows_is_on() =>
        Assert.True(WindowsAuthentication.IsEnabled(Configuration(("Auth:Windows:Enabled", "true")), onWindows: true));

    [Fact]
    public void Windows_authentication_elsewhere_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WindowsAuthentication.IsEnabled(Configuration(("Auth:Windows:Enabled", "true")), onWindows: false));
        Assert.Contains("Auth:Windows:Enabled", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP.sys", error.Message, StringComparison.Ordinal);
    }
}
