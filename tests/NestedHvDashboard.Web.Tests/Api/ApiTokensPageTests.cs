using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>The tokens page (bUnit) on the real app's token service: the token is shown once, revoking asks first and stops it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class ApiTokensPageTests(ApiServer api) : IClassFixture<ApiServer>, IAsyncLifetime
{
    private readonly BunitContext _context = new();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(api.Server.Services.GetRequiredService<ApiTokens>());
        _context.Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        _context.Services.AddScoped<CircuitClient>();
        _context.Services.AddScoped<CurrentActor>();
        _context.AddAuthorization().SetAuthorized(api.Users["operator"]).SetRoles(DashboardRoles.Operator);
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task A_created_token_is_shown_once_works_and_stops_working_once_revoked_after_confirmation()
    {
        var dialogs = _context.Render<MudDialogProvider>();
        var page = _context.Render<ApiTokensPage>();
        page.Find("input[data-testid=token-name]").Input("page-made token");
        page.Find("[data-testid=token-create]").Click();

        string token = "";
        dialogs.WaitForAssertion(() =>
        {
            token = dialogs.Find("input[data-testid=token-value]").GetAttribute("value") ?? "";
            Assert.StartsWith(ApiTokens.TokenPrefix, token, StringComparison.Ordinal);
        });
        using (var client = api.Client(token))
        using (var works = await client.GetAsync(new Uri("api/v1/hosts", UriKind.Relative)))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, works.StatusCode);
        }

        dialogs.Find("[data-testid=token-done]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=token-value]")));
        page.WaitForAssertion(() => Assert.Contains("page-made token", page.Find("[data-testid=token-list]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(token[8..], page.Markup, StringComparison.Ordinal);

        var row = page.FindAll("[data-testid=token-list] tbody tr").Single(r => r.TextContent.Contains("page-made token", StringComparison.Ordinal));
        row.QuerySelector("[data-testid=token-revoke]")!.Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke token 'page-made token'", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        page.WaitForAssertion(() => Assert.Contains("revoked", page.FindAll("[data-testid=token-list] tbody tr")
            .Single(r => r.TextContent.Contains("page-made token", StringComparison.Ordinal)).TextContent, StringComparison.Ordinal));
        using var after = api.Client(token);
        using var refused = await after.GetAsync(new Uri("api/v1/hosts", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task The_expiry_field_shows_the_date_it_means_and_the_token_stops_working_then_or_never()
    {
        var dialogs = _context.Render<MudDialogProvider>();
        var page = _context.Render<ApiTokensPage>();
        page.Find("input[data-testid=token-days]").Input("30");
        var expected = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        page.WaitForAssertion(() => Assert.Contains($"Stops working on {expected}", page.Markup, StringComparison.Ordinal));

        page.Find("input[data-testid=token-name]").Input("thirty days");
        page.Find("[data-testid=token-create]").Click();
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-testid=token-done]")));
        dialogs.Find("[data-testid=token-done]").Click();

        page.Find("input[data-testid=token-never]").Change(true);
        page.WaitForAssertion(() => Assert.Contains("Works until it is revoked", page.Markup, StringComparison.Ordinal));
        page.Find("input[data-testid=token-name]").Input("no end");
        page.Find("[data-testid=token-create]").Click();
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-testid=token-done]")));

        var tokens = await api.Server.Services.GetRequiredService<ApiTokens>().ListAsync(
            new Actor(api.Users["operator"], DashboardRoles.Operator, Channels.Browser, "127.0.0.1"));
        var thirty = tokens.Single(t => t.Name == "thirty days");
        Assert.Equal(30, Math.Round((thirty.ExpiresAt!.Value - thirty.CreatedAt).TotalDays));
        Assert.Null(tokens.Single(t => t.Name == "no end").ExpiresAt);
    }

    [Fact]
    public async Task Create_with_no_name_or_an_expiry_out_of_range_says_so_under_each_field_and_creates_nothing()
    {
        var dialogs = _context.Render<MudDialogProvider>();
        var page = _context.Render<ApiTokensPage>();
        var before = (await Tokens()).Count;

        await page.InvokeAsync(() => page.Find("[data-testid=token-create]").Click());
        page.WaitForAssertion(() => Assert.Equal("A token needs a name, to recognise it later (e.g. the script that uses it).", Problem(page, "token-name")));
        Assert.Null(Problem(page, "token-days"));

        // 5000 days stays 5000 (no silent clamp to 3650): the field says what is wrong.
        await page.InvokeAsync(() => page.Find("input[data-testid=token-days]").Input("5000"));
        page.WaitForAssertion(() => Assert.Equal(
            $"A token's expiry must be 1 to {ApiTokens.MaxExpiryDays} days, or none (Never expires); 5000 is outside that.",
            Problem(page, "token-days")));
        Assert.Equal("5000", page.Find("input[data-testid=token-days]").GetAttribute("value"));

        await page.InvokeAsync(() => page.Find("input[data-testid=token-name]").Input("fixed script"));
        page.WaitForAssertion(() => Assert.Null(Problem(page, "token-name")));
        await page.InvokeAsync(() => page.Find("[data-testid=token-create]").Click());
        Assert.Empty(dialogs.FindAll("[data-testid=token-value]"));
        Assert.Equal(before, (await Tokens()).Count);

        await page.InvokeAsync(() => page.Find("input[data-testid=token-days]").Input("60"));
        page.WaitForAssertion(() => Assert.Null(Problem(page, "token-days")));
        await page.InvokeAsync(() => page.Find("[data-testid=token-create]").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-testid=token-done]")));
        Assert.Contains(await Tokens(), t => t.Name == "fixed script");
        // The emptied name after a token was made is a fresh field, not a "needs a name" error.
        page.WaitForAssertion(() => Assert.Null(Problem(page, "token-name")));
    }

    private static string? Problem(IRenderedComponent<ApiTokensPage> page, string testId) =>
        page.Find($"input[data-testid={testId}]").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();

    private Task<IReadOnlyList<ApiTokenInfo>> Tokens() => api.Server.Services.GetRequiredService<ApiTokens>().ListAsync(
        new Actor(api.Users["operator"], DashboardRoles.Operator, Channels.Browser, "127.0.0.1"));
}
