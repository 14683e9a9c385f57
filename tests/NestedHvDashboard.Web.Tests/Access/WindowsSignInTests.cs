using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>
/// Windows authentication. HTTP.sys exists only on Windows, so here a stand-in "Windows" scheme plays its part (a
/// request header says who the Windows user is and their groups); everything after it is the app's own code.
/// </summary>
[Collection(DashboardServerCollection.Name)]
public sealed class WindowsSignInTests
{
    [Fact]
    public async Task Enabled_on_this_non_Windows_machine_start_up_fails_naming_the_setting()
    {
        Assert.False(OperatingSystem.IsWindows(), "This test covers start-up on an OS without HTTP.sys.");
        var error = await Record.ExceptionAsync(() => DashboardServer.StartAsync(new Dictionary<string, string?> { [WindowsAuthentication.EnabledSetting] = "true" }));

        Assert.NotNull(error);
        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("Auth:Windows:Enabled is true", messages, StringComparison.Ordinal);
        Assert.Contains("HTTP.sys", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Windows_user_is_signed_in_with_the_role_of_their_groups()
    {
        await using var server = await StartWithStandInAsync();
        using var client = server.NewClient();
        var page = await client.GetStringAsync(new Uri("account/login", UriKind.Relative));
        Assert.Contains("Sign in with Windows", page, StringComparison.Ordinal);

        using var button = await DashboardServer.PostLoginPageFormAsync(client, "account/external", new Dictionary<string, string>
        {
            ["Provider"] = ExternalSignIn.WindowsScheme,
            ["ReturnUrl"] = "/vms",
        });
        Assert.Equal("/account/windows?ReturnUrl=%2Fvms", button.Headers.Location!.OriginalString);

        // Without credentials the browser is asked for them (HTTP.sys would add Negotiate/NTLM).
        using var challenge = await client.GetAsync(button.Headers.Location);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, button.Headers.Location);
        request.Headers.Add(StandInWindows.UserHeader, @"LAB\alice");
        request.Headers.Add(StandInWindows.GroupsHeader, @"LAB\Domain Users;lab\hv-operators");
        using var signedIn = await client.SendAsync(request);
        Assert.Equal("/vms", signedIn.Headers.Location!.OriginalString);

        using var vms = await client.GetAsync(new Uri("vms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, vms.StatusCode);
        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = await users.FindByLoginAsync(ExternalSignIn.WindowsScheme, "S-1-5-21-LAB-alice");
        Assert.NotNull(user);
        Assert.Equal(@"LAB\alice", user.UserName);
        Assert.Equal("Windows", user.Source);
        Assert.Equal([DashboardRoles.Operator], await users.GetRolesAsync(user));
    }

    [Fact]
    public async Task A_Windows_user_in_no_mapped_group_gets_the_default_role()
    {
        await using var server = await StartWithStandInAsync((WindowsAuthentication.Section + ":DefaultRole", "Viewer"));
        using var client = server.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("account/windows?ReturnUrl=https%3A%2F%2Fevil.example%2F", UriKind.Relative));
        request.Headers.Add(StandInWindows.UserHeader, @"LAB\bob");
        request.Headers.Add(StandInWindows.GroupsHeader, @"LAB\Domain Users");
        using var signedIn = await client.SendAsync(request);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);

        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = await users.FindByLoginAsync(ExternalSignIn.WindowsScheme, "S-1-5-21-LAB-bob");
        Assert.Equal([DashboardRoles.Viewer], await users.GetRolesAsync(user!));
    }

    [Fact]
    public async Task Without_Windows_authentication_the_Windows_address_sends_back_to_sign_in()
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = server.NewClient();
        var page = await client.GetStringAsync(new Uri("account/login", UriKind.Relative));
        Assert.DoesNotContain("Sign in with", page, StringComparison.Ordinal);

        using var response = await client.GetAsync(new Uri("account/windows", UriKind.Relative));
        Assert.Equal("/account/login?error=external", response.Headers.Location!.OriginalString);
    }

    private static Task<DashboardServer> StartWithStandInAsync(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Windows:Roles:Administrator"] = @"LAB\HV-Admins",
            ["Auth:Windows:Roles:Operator"] = @"LAB\HV-Operators",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return DashboardServer.StartAsync(settings, services => services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, StandInWindows>(ExternalSignIn.WindowsScheme, "Windows", _ => { }));
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>HTTP.sys's part: the user and groups Windows would have checked, from request headers.</summary>
    private sealed class StandInWindows(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string UserHeader = "X-StandIn-Windows-User";

        public const string GroupsHeader = "X-StandIn-Windows-Groups";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var name = Request.Headers[UserHeader].ToString();
            if (name.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.PrimarySid, "S-1-5-21-" + name.Replace('\\', '-')) };
            claims.AddRange(Request.Headers[GroupsHeader].ToString().Split(';', StringSplitOptions.RemoveEmptyEntries).Select(g => new Claim(ClaimTypes.Role, g)));
            var identity = new ClaimsIdentity(claims, "Negotiate", ClaimTypes.Name, ClaimTypes.Role);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "Negotiate";
            return Task.CompletedTask;
        }
    }
}
