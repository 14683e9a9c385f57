using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The readiness rules from Microsoft's documents, as a user meets them on the simulated lab in a real Chromium: the AMD
/// Opteron host's tile and page say it cannot nest and why, the cluster node warns about live migration on the host and on its
/// clustered VM, and a Linux guest's VM page explains that other hypervisors inside a Hyper-V VM are not supported. Looked at
/// in three widths and both themes.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ReadinessRulesTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;
    private static readonly (int Width, int Height)[] Sizes = [(1920, 1080), (1366, 768), (800, 900)];

    [Fact]
    public async Task The_opteron_host_cannot_nest_the_cluster_node_warns_and_a_linux_guest_gets_the_hypervisor_note()
    {
        await using var tab = await dashboard.NewTabAsync();
        foreach (var (width, height) in Sizes)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var theme = scheme == ColorScheme.Dark ? "dark" : "light";
                var page = await tab.OpenAsync("/", width, height, scheme);
                await ExpectAllConnectedAsync(page);

                // The overview: an Opteron host is visibly one that cannot nest at all.
                var tile = page.Locator($"[data-testid=tiles] [data-host=\"{LabScenarios.HostNames.Ws2016Opteron}\"]");
                await Assertions.Expect(tile.GetByTestId("host-verdict")).ToHaveTextAsync("Cannot: AMD Opteron", new() { Timeout = Timeout });
                await tile.ScrollIntoViewIfNeededAsync();
                await SaveScreenshotAsync(page, $"rules-overview-{width}-{theme}.png", width, height);

                // The Opteron host's page: the family rule fails with the reason, the others still answer.
                await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{LabScenarios.HostNames.Ws2016Opteron}");
                var family = Rule(page, "host.processor-family");
                await Assertions.Expect(family.GetByTestId("check-status")).ToHaveTextAsync("Fail", new() { Timeout = Timeout });
                await Assertions.Expect(family.GetByTestId("check-reason")).ToContainTextAsync("Opteron");
                await Assertions.Expect(family.GetByTestId("check-fix")).ToBeVisibleAsync();
                await family.ScrollIntoViewIfNeededAsync();
                await SaveScreenshotAsync(page, $"rules-opteron-host-{width}-{theme}.png", width, height);

                // The cluster node warns on the host and on its clustered VM.
                await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{LabScenarios.HostNames.Ws2019Intel}");
                var cluster = Rule(page, "host.cluster");
                await Assertions.Expect(cluster.GetByTestId("check-status")).ToHaveTextAsync("Warn", new() { Timeout = Timeout });
                await Assertions.Expect(cluster.GetByTestId("check-reason")).ToContainTextAsync(LabScenarios.Ws2019ClusterName);

                await OpenVmAsync(page, LabScenarios.HostNames.Ws2019Intel, "sql-2019");
                var clustered = Rule(page, "vm.clustered");
                await Assertions.Expect(clustered.GetByTestId("check-status")).ToHaveTextAsync("Warn", new() { Timeout = Timeout });
                await Assertions.Expect(page.GetByTestId("non-microsoft-hypervisor-note")).ToHaveCountAsync(0);

                // A Linux guest: the note, and the guest OS rule warns.
                await OpenVmAsync(page, LabScenarios.HostNames.Ws2019Intel, "linux-nginx");
                var note = page.GetByTestId("non-microsoft-hypervisor-note");
                await Assertions.Expect(note).ToBeVisibleAsync(new() { Timeout = Timeout });
                await Assertions.Expect(page.GetByTestId("non-microsoft-hypervisor-text")).ToContainTextAsync("Ubuntu 22.04");
                await Assertions.Expect(Rule(page, "vm.guest-os").GetByTestId("check-status")).ToHaveTextAsync("Warn");

                var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                var clientWidth = await page.EvaluateAsync<int>("() => document.documentElement.clientWidth");
                Assert.True(scrollWidth <= clientWidth, $"The VM page scrolls sideways at {width} px: {scrollWidth} > {clientWidth}.");
                await note.ScrollIntoViewIfNeededAsync();
                await SaveScreenshotAsync(page, $"rules-linux-note-{width}-{theme}.png", width, height);
            }
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static ILocator Rule(IPage page, string ruleId) => page.Locator($"[data-rule='{ruleId}']");

    private static async Task OpenVmAsync(IPage page, string host, string vmName)
    {
        var id = LabScenarios.CreateDefaultLab()[host].FindVm(vmName)?.Id
            ?? throw new InvalidOperationException($"The default lab has no VM '{vmName}' on {host}.");
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{host}/vms/{id}");
        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(vmName, new() { Timeout = Timeout });
    }
}
