using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Components.Pages;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Tests.Pages;

public sealed class ActivityPageTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private readonly ActivityLog _log = new(TimeProvider.System);

    public ActivityPageTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_log);
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private static OperationResult Result(OperationOutcome outcome, string host, string vm, string? hostMessage = null) =>
        new(outcome, host, Guid.NewGuid(), vm, $"{outcome} on VM '{vm}' on host '{host}'.", [], null, hostMessage, null);

    private static List<string?> Vms(IRenderedComponent<Activity> page) =>
        [.. page.FindAll("[data-testid=activity-entry]").Select(e => e.QuerySelectorAll("td")[2].TextContent.Trim())];

    [Fact]
    public void New_entries_appear_live_newest_first()
    {
        var page = _context.Render<Activity>();
        Assert.NotNull(page.Find("[data-testid=activity-none]"));

        _log.Record(Result(OperationOutcome.Succeeded, "hv-a", "web-01"), enable: true);
        _log.Record(Result(OperationOutcome.Failed, "hv-b", "sql-01", "Access denied."), enable: false, "Bulk");

        page.WaitForAssertion(() => Assert.Equal(["sql-01", "web-01"], Vms(page)));
        Assert.Contains("Host said: Access denied.", page.Find("[data-testid=activity-entry]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Filters_by_host_outcome_and_text()
    {
        _log.Record(Result(OperationOutcome.Succeeded, "hv-a", "web-01"), enable: true);
        _log.Record(Result(OperationOutcome.Failed, "hv-b", "sql-01", "Access denied."), enable: true);
        _log.Record(Result(OperationOutcome.Succeeded, "hv-b", "app-01"), enable: true);
        var page = _context.Render<Activity>();

        page.Find("[data-testid=activity-hosts] [data-host='hv-b']").Click();
        page.WaitForAssertion(() => Assert.Equal(["app-01", "sql-01"], Vms(page)));
        page.Find("[data-testid=activity-outcomes] [data-outcome='Succeeded']").Click();
        page.WaitForAssertion(() => Assert.Equal(["app-01"], Vms(page)));

        page.FindAll("[data-testid=activity-outcomes] .mud-chip")[0].Click();
        page.Find("input[data-testid=activity-search]").Input("denied");
        page.WaitForAssertion(() => Assert.Equal(["sql-01"], Vms(page)));
    }
}
