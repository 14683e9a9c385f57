using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// Results that stay and a lab that survives a restart, in a real Chromium against its own dashboard process (it is turned off
/// and restarted): Hyper-V installed in a simulated guest, its progress kept through the guest's restart, a navigation and a
/// reload, ending "Hyper-V installed" with the time; the bell lists it and opens its Activity entry; the lab turned off survives
/// a restart of the app off, and comes back on as it was left, the install's card still saying "installed" from the audit trail.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ResultsAndLabTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    // LabScenarios: web-02 on the Intel WS2019 host, configuration 8.3, Running, nested off, a Windows Server 2019 guest without Hyper-V.
    private const string Host = "HV-WS2019-01";
    private const string VmName = "web-02";

    private static readonly (int Width, int Height)[] Sizes = [(1920, 1080), (1366, 768), (800, 900)];

    [Fact]
    public async Task Hyper_v_installed_in_a_guest_stays_through_its_restart_the_bell_lists_it_and_the_lab_survives_a_restart()
    {
        await using var app = await DashboardProcess.StartAsync();
        await using var context = await dashboard.NewContextAsync(app, 1920, 1080);
        var page = await OpenLiveAsync(context, $"/hosts/{Host}/vms");
        await page.GetByTestId("vm-link").GetByText(VmName, new() { Exact = true }).ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(VmName, new() { Timeout = Timeout });
        var vmPath = new Uri(page.Url).AbsolutePath;

        // Nested virtualization on first (the VM runs: shut down, set, start).
        await page.Locator("label:has([data-testid=\"nested-switch\"])").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("choice-shut-down").ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("fact-nested")).ToHaveTextAsync("On", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync("Running", new() { Timeout = Timeout });

        // Install: progress shows from the first second, before the guest answers.
        await page.GetByTestId("install-hyperv").ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("guest-credential-dialog")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await page.Locator("[data-testid=guest-user] input, input[data-testid=guest-user]").FillAsync(LabScenarios.GuestAdministratorUserName);
        await page.Locator("[data-testid=guest-password] input, input[data-testid=guest-password]").FillAsync(LabScenarios.GuestAdministratorPassword);
        await page.GetByTestId("guest-credential-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("install-step").First).ToHaveAttributeAsync("data-word", "connecting to the guest", new() { Timeout = Timeout });

        // Away and back while it runs (or after): the card shows the same install, and it ends installed with the time taken.
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/$"), new() { Timeout = Timeout });
        await page.GoBackAsync();
        await Assertions.Expect(page.GetByTestId("install-panel")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("install-result")).ToHaveAttributeAsync("data-outcome", "Succeeded", new() { Timeout = 120_000 });
        await Assertions.Expect(page.GetByTestId("install-headline")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^Hyper-V installed in VM '{VmName}' in \\d+ (s|min)"));
        await Assertions.Expect(page.GetByTestId("install-step").Last).ToHaveAttributeAsync("data-word", "installed");

        // A reload keeps it.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = ConnectTimeoutMs });
        await Assertions.Expect(page.GetByTestId("install-result")).ToHaveAttributeAsync("data-outcome", "Succeeded", new() { Timeout = Timeout });

        // The bell lists it (and the nested change, which took a while too) and opens its Activity entry.
        await page.GetByTestId("notifications-button").ClickAsync();
        var notice = page.GetByTestId("notification").Filter(new() { HasText = "Install Hyper-V in guest" });
        await Assertions.Expect(notice).ToHaveAttributeAsync("data-result", "Succeeded", new() { Timeout = Timeout });
        await Assertions.Expect(notice).ToContainTextAsync($"VM '{VmName}' on host '{Host}'");
        var href = await notice.GetByTestId("notification-link").GetAttributeAsync("href");
        Assert.Matches("^/activity\\?entry=\\d+$", href);
        await notice.GetByTestId("notification-link").ClickAsync();
        var opened = page.Locator("[data-testid=activity-entry][data-opened=true]");
        await Assertions.Expect(opened).ToHaveAttributeAsync("data-result", "Succeeded", new() { Timeout = Timeout });
        await Assertions.Expect(opened).ToContainTextAsync("Install Hyper-V in guest");
        await Assertions.Expect(page.GetByTestId("activity-detail")).ToBeVisibleAsync();

        // Gone before the restart below: an open page would try to reconnect its circuit to the new process.
        await using (var tab = await dashboard.NewTabAsync(app))
        {
            foreach (var (width, height) in Sizes)
            {
                foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
                {
                    await ScreenshotsAsync(tab, vmPath, width, height, scheme);
                }
            }
        }

        // The lab off, on Connections: its hosts go, and a restart of the app keeps it off.
        var connections = await OpenLiveAsync(context, "/connections");
        await Assertions.Expect(connections.GetByTestId("lab-card")).ToHaveAttributeAsync("data-lab", "on");
        await connections.Locator("label:has([data-testid=\"lab-switch\"])").ClickAsync();
        await connections.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Turn off" }).ClickAsync();
        await Assertions.Expect(connections.GetByTestId("lab-card")).ToHaveAttributeAsync("data-lab", "off", new() { Timeout = Timeout });
        await Assertions.Expect(connections.GetByTestId("host-name")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Assertions.Expect(connections.GetByTestId("lab-choice")).ToContainTextAsync("Kept off across restarts");
        await SaveScreenshotAsync(connections, "results-lab-off.png", 1920, 1080);

        await app.RestartAsync();
        connections = await OpenLiveAsync(context, "/connections");
        await Assertions.Expect(connections.GetByTestId("lab-card")).ToHaveAttributeAsync("data-lab", "off");
        await Assertions.Expect(connections.GetByTestId("host-name")).ToHaveCountAsync(0);

        // On again: the lab comes back as it was left, web-02 with nested on (the default lab has it off).
        await connections.Locator("label:has([data-testid=\"lab-switch\"])").ClickAsync();
        await Assertions.Expect(connections.GetByTestId("lab-card")).ToHaveAttributeAsync("data-lab", "on", new() { Timeout = Timeout });
        await ExpectAllConnectedAsync(connections);
        var vm = await OpenLiveAsync(context, vmPath);
        await Assertions.Expect(vm.GetByTestId("fact-nested")).ToHaveTextAsync("On", new() { Timeout = Timeout });

        // The install ended before the restart: its card says so from the audit entry, with no fresh button beside it.
        await Assertions.Expect(vm.GetByTestId("install-result")).ToHaveAttributeAsync("data-outcome", "Succeeded", new() { Timeout = Timeout });
        await Assertions.Expect(vm.GetByTestId("install-headline")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^Hyper-V installed in VM '{VmName}' in \\d+ (s|min)"));
        await Assertions.Expect(vm.GetByTestId("install-from-audit")).ToBeVisibleAsync();
        await Assertions.Expect(vm.GetByTestId("install-hyperv")).ToBeDisabledAsync();
        await using var sized = await dashboard.NewTabAsync(app);
        foreach (var (width, height) in Sizes)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var theme = scheme == ColorScheme.Dark ? "dark" : "light";
                var restored = await sized.OpenAsync(vmPath, width, height, scheme);
                await Assertions.Expect(restored.GetByTestId("install-from-audit")).ToBeVisibleAsync(new() { Timeout = Timeout });
                await restored.GetByTestId("install-result").ScrollIntoViewIfNeededAsync();
                await SaveScreenshotAsync(restored, $"results-install-after-restart-{width}-{theme}.png", width, height);
            }
        }

        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static async Task ScreenshotsAsync(BrowserTab tab, string vmPath, int width, int height, ColorScheme scheme)
    {
        var theme = scheme == ColorScheme.Dark ? "dark" : "light";
        var page = await tab.OpenAsync(vmPath, width, height, scheme);
        await Assertions.Expect(page.Locator("[data-theme]")).ToHaveAttributeAsync("data-theme", theme, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("install-result")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await page.GetByTestId("install-result").ScrollIntoViewIfNeededAsync();
        await SaveScreenshotAsync(page, $"results-install-{width}-{theme}.png", width, height);

        await page.GetByTestId("notifications-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notification").First).ToBeVisibleAsync(new() { Timeout = Timeout });
        // The list fades in: the picture is taken once it is fully shown.
        await page.WaitForFunctionAsync(
            "() => { const list = document.querySelector('[data-testid=notifications-list]'); return list && getComputedStyle(list.closest('.mud-popover')).opacity === '1'; }",
            null, new() { Timeout = Timeout, PollingInterval = 100 });
        await SaveScreenshotAsync(page, $"results-bell-{width}-{theme}.png", width, height);

        var connections = await tab.OpenAsync("/connections", width, height, scheme);
        await Assertions.Expect(connections.Locator("[data-theme]")).ToHaveAttributeAsync("data-theme", theme, new() { Timeout = Timeout });
        await Assertions.Expect(connections.GetByTestId("lab-card")).ToBeVisibleAsync();
        await SaveScreenshotAsync(connections, $"results-lab-{width}-{theme}.png", width, height);
    }
}
