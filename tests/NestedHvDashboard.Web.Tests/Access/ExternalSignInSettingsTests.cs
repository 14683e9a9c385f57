using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>The OpenID Connect and Windows settings: defaults, and settings that cannot work refused with their names.</summary>
public sealed class ExternalSignInSettingsTests
{
    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    // As the app reads them: the options system with the app's validator.
    private static ExternalSignInSettings Read(IConfiguration configuration)
    {
        using var services = new ServiceCollection().AddSingleton(configuration).AddExternalSignInSettings().BuildServiceProvider();
        return services.GetRequiredService<ExternalSignInSettings>();
    }

    private static OpenIdConnectSettings? Oidc(params (string Key, string? Value)[] settings) => Read(Configuration(settings)).OpenIdConnect;

    private static ExternalSignInOptions Options(params (string Key, string? Value)[] settings) =>
        Configuration(settings).GetSection(ExternalSignInOptions.Section).Get<ExternalSignInOptions>() ?? new ExternalSignInOptions();

    [Fact]
    public void Without_an_authority_there_is_no_OpenID_Connect() =>
        Assert.Null(Oidc(("Auth:Oidc:ClientId", "x")));

    [Fact]
    public void The_defaults_are_single_sign_on_the_roles_claim_https_and_no_default_role()
    {
        var settings = Oidc(
            ("Auth:Oidc:Authority", "https://login.microsoftonline.com/tenant-id/v2.0"),
            ("Auth:Oidc:ClientId", "client-1"),
            ("Auth:Oidc:Scopes", "email, offline_access groups"))!;
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
        var error = Assert.Throws<OptionsValidationException>(() => Oidc(
            ("Auth:Oidc:Authority", "http://keycloak.lab.local/realms/lab"),
            ("Auth:Oidc:ClientId", "client-1"),
            ("Auth:Oidc:RequireHttpsMetadata", "false")));
        Assert.Contains("Auth:Oidc:RequireHttpsMetadata", error.Message, StringComparison.Ordinal);
        Assert.Contains("keycloak.lab.local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_is_allowed_on_loopback_only_when_asked_for()
    {
        Assert.Throws<OptionsValidationException>(() => Oidc(
            ("Auth:Oidc:Authority", "http://127.0.0.1:8080/realms/lab"), ("Auth:Oidc:ClientId", "client-1")));
        var settings = Oidc(
            ("Auth:Oidc:Authority", "http://127.0.0.1:8080/realms/lab"), ("Auth:Oidc:ClientId", "client-1"), ("Auth:Oidc:RequireHttpsMetadata", "false"));
        Assert.False(settings!.RequireHttpsMetadata);
    }

    [Fact]
    public void An_authority_without_a_client_id_is_refused_naming_it()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Oidc(("Auth:Oidc:Authority", "https://idp.example/")));
        Assert.Contains("Auth:Oidc:ClientId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_authentication_is_off_by_default() =>
        Assert.False(Options().Windows.Enabled);

    [Fact]
    public void Windows_authentication_on_Windows_is_on()
    {
        var options = Options(("Auth:Windows:Enabled", "true"));
        Assert.True(options.Windows.Enabled);
        Assert.True(new ValidateExternalSignInOptions(onWindows: true).Validate(null, options).Succeeded);
    }

    [Fact]
    public void Windows_authentication_elsewhere_is_refused_naming_the_setting()
    {
        var result = new ValidateExternalSignInOptions(onWindows: false).Validate(null, Options(("Auth:Windows:Enabled", "true")));
        Assert.True(result.Failed);
        Assert.Contains("Auth:Windows:Enabled", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("HTTP.sys", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_that_cannot_work_is_named_at_once()
    {
        var result = new ValidateExternalSignInOptions(onWindows: false).Validate(null, Options(
            ("Auth:Oidc:Authority", "ftp://idp.example/"),
            ("Auth:Oidc:DefaultRole", "Superuser"),
            ("Auth:Windows:DefaultRole", "Root"),
            ("Auth:Windows:Enabled", "true")));

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count());
        Assert.Contains("Auth:Oidc:Authority is 'ftp://idp.example/', which is not an http(s) address", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:Oidc:ClientId is empty", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:Oidc:DefaultRole is 'Superuser'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:Windows:DefaultRole is 'Root'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:Windows:Enabled is true", result.FailureMessage, StringComparison.Ordinal);
    }
}
