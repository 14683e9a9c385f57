using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Pages;

/// <summary>The Activity page on a real audit database: newest first, filters from and into the query string, live entries, details, paging, export link.</summary>
public sealed class ActivityPageTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private readonly TestDatabase _db = TestDatabase.Create();

    public ActivityPageTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _db.AddTo(_context.Services);
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _context.Render<MudPopoverProvider>();
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }

    private Task<long> RecordAsync(Actor actor, string host, string vm, string result, string? hostError = null) =>
        _db.Audit.RecordAsync(
            new AuditStart(actor, "Enable nested", host, vm, Guid.NewGuid(), new { enable = true }, "Off, nested off"),
            new AuditCompletion(result, $"{result} on VM '{vm}' on host '{host}'.", "Off, nested on", hostError));

    private static List<string> Vms(IRenderedComponent<Activity> page) =>
        [.. page.FindAll("[data-testid=activity-entry]").Select(e => e.QuerySelectorAll("td")[4].TextContent.Trim())];

    /// <summary>Reads hit a real database on a shared, busy machine: waits allow for that.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private IRenderedComponent<Activity> Open(string query = "")
    {
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo("/activity" + query);
        var page = _context.Render<Activity>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=activity-entry], [data-testid=activity-none]")), Patience);
        return page;
    }

    [Fact]
    public async Task New_entries_appear_live_newest_first_with_the_hosts_words()
    {
        var page = Open();
        Assert.Contains("Nothing has been changed yet.", page.Find("[data-testid=activity-none]").TextContent, StringComparison.Ordinal);

        await RecordAsync(TestDatabase.Operator, "hv-a", "web-01", AuditResults.Succeeded);
        await RecordAsync(TestDatabase.Operator, "hv-b", "sql-01", AuditResults.Failed, "Access denied.");

        page.WaitForAssertion(() => Assert.Equal(["sql-01", "web-01"], Vms(page)), Patience);
        var newest = page.Find("[data-testid=activity-entry]");
        Assert.Equal("Failed", newest.GetAttribute("data-result"));
        Assert.Equal("Host said: Access denied.", newest.QuerySelector("[data-testid=activity-host-error]")!.TextContent.Trim());
        Assert.Contains("olivia (Operator) through Browser from 127.0.0.1", newest.InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repeated_denial_is_one_row_showing_how_many_times()
    {
        var page = Open();

        for (var i = 0; i < 3; i++)
        {
            await _db.Audit.RecordAsync(
                new AuditStart(TestDatabase.Viewer, "Enable nested", "hv-a", "web-01", null), new AuditCompletion(AuditResults.Denied, "needs the Operator role"));
        }

        page.WaitForAssertion(() => Assert.Equal("×3", page.Find("[data-testid=activity-repeat-count]").TextContent.Trim()), Patience);
        Assert.Single(page.FindAll("[data-testid=activity-entry]"));
    }

    [Fact]
    public async Task A_change_in_progress_shows_started_then_its_result()
    {
        var page = Open();

        var id = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, "Enable nested", "hv-a", "web-01", null));
        page.WaitForAssertion(() => Assert.Equal("Started", page.Find("[data-testid=activity-entry]").GetAttribute("data-result")), Patience);
        await _db.Audit.CompleteAsync(id, new AuditCompletion(AuditResults.Succeeded, "Done."));

        page.WaitForAssertion(() => Assert.Equal("Succeeded", page.Find("[data-testid=activity-entry]").GetAttribute("data-result")), Patience);
        Assert.Single(page.FindAll("[data-testid=activity-entry]"));
    }

    [Fact]
    public async Task Filters_come_from_the_query_string_and_the_search_box_writes_back_into_it()
    {
        await RecordAsync(TestDatabase.Operator, "hv-a", "web-01", AuditResults.Succeeded);
        await RecordAsync(TestDatabase.Operator, "hv-b", "sql-01", AuditResults.Failed, "Access denied.");
        await RecordAsync(TestDatabase.Viewer, "hv-b", "app-01", AuditResults.Denied);

        var page = Open("?host=hv-b");
        page.WaitForAssertion(() => Assert.Equal(["app-01", "sql-01"], Vms(page)), Patience);
        Assert.Equal("/activity/export.csv?host=hv-b", page.Find("[data-testid=activity-export]").GetAttribute("href"));

        page.Find("input[data-testid=activity-search], [data-testid=activity-search] input").Input("denied");

        page.WaitForAssertion(() => Assert.Contains("text=denied", _context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal), Patience);
        Assert.Equal(["app-01", "sql-01"], Vms(page));
        page.Find("input[data-testid=activity-search], [data-testid=activity-search] input").Input("access");
        page.WaitForAssertion(() => Assert.Equal(["sql-01"], Vms(page)), Patience);
        var uri = _context.Services.GetRequiredService<NavigationManager>().Uri;
        Assert.EndsWith("/activity?text=access&host=hv-b", uri, StringComparison.Ordinal);
        Assert.Equal("/activity/export.csv?text=access&host=hv-b", page.Find("[data-testid=activity-export]").GetAttribute("href"));

        // The debounced search and the address change may still re-render the bar: find and click in one retry.
        page.WaitForAssertion(() => page.Find("[data-testid=activity-clear]").Click(), Patience);
        page.WaitForAssertion(() => Assert.Equal(["app-01", "sql-01", "web-01"], Vms(page)), Patience);
    }

    [Fact]
    public async Task The_user_result_and_channel_filters_narrow_the_list()
    {
        await RecordAsync(TestDatabase.Operator, "hv-a", "web-01", AuditResults.Succeeded);
        await RecordAsync(TestDatabase.Viewer, "hv-b", "app-01", AuditResults.Denied);
        await RecordAsync(new Actor("script", DashboardRoles.Operator, Channels.Api, "10.0.0.2"), "hv-c", "api-01", AuditResults.Succeeded);

        var byUser = Open("?user=victor");
        byUser.WaitForAssertion(() => Assert.Equal(["app-01"], Vms(byUser)), Patience);
        var byResult = Open("?result=Succeeded");
        byResult.WaitForAssertion(() => Assert.Equal(["api-01", "web-01"], Vms(byResult)), Patience);
        var byChannel = Open("?channel=API");
        byChannel.WaitForAssertion(() => Assert.Equal(["api-01"], Vms(byChannel)), Patience);
        var none = Open("?from=2999-01-01");
        none.WaitForAssertion(() => Assert.Contains("No entry matches the filters.", none.Find("[data-testid=activity-none]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task A_row_expands_to_show_parameters_before_and_after()
    {
        await RecordAsync(TestDatabase.Operator, "hv-a", "web-01", AuditResults.Succeeded);
        var page = Open();
        Assert.Empty(page.FindAll("[data-testid=activity-detail]"));

        page.Find("[data-testid=activity-expand]").Click();

        page.WaitForAssertion(() =>
        {
            var detail = page.Find("[data-testid=activity-detail]").TextContent;
            Assert.Contains("{\"enable\":true}", detail, StringComparison.Ordinal);
            Assert.Contains("Off, nested off", detail, StringComparison.Ordinal);
            Assert.Contains("Off, nested on", detail, StringComparison.Ordinal);
        }, Patience);
    }

    [Fact]
    public async Task It_shows_the_newest_page_and_loads_more_on_request()
    {
        for (var i = 0; i < AuditQuery.PageSize + 5; i++)
        {
            await RecordAsync(TestDatabase.Operator, "hv-a", $"vm-{i:000}", AuditResults.Succeeded);
        }

        var page = Open();
        page.WaitForAssertion(() => Assert.Equal(AuditQuery.PageSize, page.FindAll("[data-testid=activity-entry]").Count), Patience);
        Assert.Equal($"vm-{AuditQuery.PageSize + 4:000}", Vms(page)[0]);

        page.Find("[data-testid=activity-more]").Click();

        page.WaitForAssertion(() => Assert.Equal(AuditQuery.PageSize + 5, page.FindAll("[data-testid=activity-entry]").Count), Patience);
        Assert.Equal("vm-000", Vms(page)[^1]);
        Assert.Empty(page.FindAll("[data-testid=activity-more]"));
    }
}
