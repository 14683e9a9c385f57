using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The VM page (/hosts/{host}/vms/{vmId}) in a real Chromium against the real app on 127.0.0.1:
/// turning nested virtualization on for an Off VM and for a Running one. Each test changes its own VM.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class VmPageTests(DashboardFixture dashboard)
{
    // Connecting the simulated hosts, the first inventory and the simulated stop/start (2-3 s each) on a busy machine.
    private const float Timeout = 60_000;

    [Fact]
    public async Task Turning_nested_on_for_an_Off_VM_shows_it_on_the_page_and_in_another_context()
    {
        // LabScenarios: print-01 on the Intel WS2016 host, configuration 8.0, Off, nested off.
        const string host = "HV-WS2016-01";
        const string vmName = "print-01";

        await using var first = await dashboard.NewContextAsync();
        var page = await OpenHostsAsync(first);
        await GoToVmAsync(page, host, vmName);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/hosts/{host}/vms/[0-9a-f-]{{36}}$"));
        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(vmName, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync("Off");
        await Assertions.Expect(page.GetByTestId("fact-nested")).ToHaveTextAsync("Off");

        // The readiness checklist is filled (host facts read) and shows no Fail.
        var checks = page.GetByTestId("check-status");
        await Assertions.Expect(checks.First).ToBeVisibleAsync(new() { Timeout = Timeout });
        Assert.True(await checks.CountAsync() >= 5, "expected the full checklist");
        await Assertions.Expect(page.GetByTestId("check-status").Filter(new() { HasTextRegex = new("^Fail$") })).ToHaveCountAsync(0);

        // A marker on the window: a reload would drop it.
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");

        var nestedSwitch = Switch(page);
        await Assertions.Expect(nestedSwitch).ToContainTextAsync("Off");
        await Assertions.Expect(page.GetByTestId("nested-switch")).Not.ToBeCheckedAsync();
        await nestedSwitch.ClickAsync();

        var outcome = page.GetByTestId("outcome");
        await Assertions.Expect(outcome).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(outcome).ToContainTextAsync("Done");
        await Assertions.Expect(outcome).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("success"));
        await Assertions.Expect(page.GetByTestId("fact-nested")).ToHaveTextAsync("On", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync("Off");
        // MAC spoofing on is ticked by default, as Microsoft pairs it with nested virtualization: it runs right after.
        await Assertions.Expect(page.GetByTestId("steps").GetByTestId("step-title")).ToHaveTextAsync(["Set ExposeVirtualizationExtensions $true", "Set MacAddressSpoofing On"]);
        await Assertions.Expect(page.GetByTestId("steps").Locator("[data-step-status=\"Done\"]")).ToHaveCountAsync(2);
        await SaveScreenshotAsync(page, "vm-off-enable.png");

        // Another context sees the change.
        await using var second = await dashboard.NewContextAsync();
        var other = await OpenHostsAsync(second);
        await GoToVmAsync(other, host, vmName);
        await Assertions.Expect(other.GetByTestId("fact-nested")).ToHaveTextAsync("On", new() { Timeout = Timeout });

        // The first page was never reloaded and still reads On.
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        await Assertions.Expect(page.GetByTestId("fact-nested")).ToHaveTextAsync("On");
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    [Fact]
    public async Task Turning_nested_on_for_a_Running_VM_with_Shut_down_runs_the_steps_and_ends_Running()
    {
        // LabScenarios: web-01 on the Intel WS2019 host, configuration 8.3, Running, nested off.
        const string host = "HV-WS2019-01";
        const string vmName = "web-01";

        await using var context = await dashboard.NewContextAsync();
        var page = await OpenHostsAsync(context);

        // As a user: the host's tile on the overview, its Virtual machines tab, the VM's link.
        await page.Locator($"[data-host=\"{host}\"] a.nhv-tile__cover").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/hosts/{host}$"));
        await Assertions.Expect(page.GetByTestId("host-name")).ToHaveTextAsync(host, new() { Timeout = Timeout });
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("^Virtual machines") }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/hosts/{host}/vms$"));
        await page.GetByTestId("vm-link").GetByText(vmName, new() { Exact = true }).ClickAsync(new() { Timeout = Timeout });

        await Assertions.Expect(page.GetByTestId("vm-name")).ToHaveTextAsync(vmName, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync("Running");
        var before = await SimulatorVmAsync(context, host, vmName);
        Assert.Equal(("Running", false), (before.State, before.ExposeVirtualizationExtensions));
        await Assertions.Expect(page.GetByTestId("fact-nested")).ToHaveTextAsync("Off");

        await Assertions.Expect(page.GetByTestId("nested-switch")).Not.ToBeCheckedAsync();
        await Switch(page).ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(dialog).ToContainTextAsync("Turn nested virtualization on");
        await Assertions.Expect(dialog).ToContainTextAsync($"VM '{vmName}' is running.");
        await dialog.GetByTestId("choice-shut-down").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync(new() { Timeout = Timeout });

        var titles = page.GetByTestId("steps").GetByTestId("step-title");
        await Assertions.Expect(titles).ToHaveTextAsync(["Shut down", "Set ExposeVirtualizationExtensions $true", "Set MacAddressSpoofing On", "Start"], new() { Timeout = Timeout });
        var steps = page.GetByTestId("steps").Locator("[data-step-status]");
        await Assertions.Expect(steps).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("steps").Locator("[data-step-status=\"Done\"]")).ToHaveCountAsync(4, new() { Timeout = Timeout });

        var outcome = page.GetByTestId("outcome");
        await Assertions.Expect(outcome).ToContainTextAsync("Done", new() { Timeout = Timeout });
        await Assertions.Expect(outcome).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("success"));
        await Assertions.Expect(page.GetByTestId("vm-state")).ToHaveTextAsync("Running", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("fact-nested")).ToHaveTextAsync("On", new() { Timeout = Timeout });
        await Assertions.Expect(Switch(page)).ToContainTextAsync("On");
        await Assertions.Expect(page.GetByTestId("nested-switch")).ToBeCheckedAsync();
        await SaveScreenshotAsync(page, "vm-running-shutdown-enable.png");

        // The simulator itself (not the dashboard's inventory) holds the VM Running with nested on.
        var after = await SimulatorVmAsync(context, host, vmName);
        Assert.Equal(("Running", true), (after.State, after.ExposeVirtualizationExtensions));
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private sealed record SimulatedVm(string Name, string State, bool ExposeVirtualizationExtensions);

    // The simulator's endpoints need a signed-in user: the request goes with the context's cookies.
    private static async Task<SimulatedVm> SimulatorVmAsync(IBrowserContext context, string host, string vmName)
    {
        var response = await context.APIRequest.GetAsync($"/simulator/hosts/{host}/vms/{vmName}");
        Assert.True(response.Ok, $"The simulator answered {response.Status} for {host}/{vmName}");
        return System.Text.Json.JsonSerializer.Deserialize<SimulatedVm>(await response.TextAsync(), Json)
            ?? throw new InvalidOperationException($"The simulator answered nothing for {host}/{vmName}");
    }

    // MudSwitch puts data-testid on its checkbox input; the label around it holds the On/Off text.
    private static ILocator Switch(IPage page) => page.Locator("label:has([data-testid=\"nested-switch\"])");

    // The overview lists hosts, not VMs (the host pages list them): go to the VM page inside the live
    // circuit, by the id the deterministic default lab gives the VM.
    private static async Task GoToVmAsync(IPage page, string host, string vmName)
    {
        var id = LabScenarios.CreateDefaultLab()[host].FindVm(vmName)?.Id
            ?? throw new InvalidOperationException($"The default lab has no VM '{vmName}' on {host}.");
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"/hosts/{host}/vms/{id}");
    }

    // Opens / and waits for Blazor's interactive circuit (its SignalR WebSocket to /_blazor).
    private static async Task<IPage> OpenHostsAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        var circuit = page.WaitForWebSocketAsync(new()
        {
            Predicate = socket => new Uri(socket.Url).AbsolutePath.StartsWith("/_blazor", StringComparison.Ordinal),
            Timeout = Timeout,
        });
        await page.GotoAsync("/");
        var socket = await circuit;
        Assert.False(socket.IsClosed);

        // The socket opens before the circuit's first render; a link clicked in between is served by
        // the prerendered page and then replaced by the circuit's own route. "live" is the circuit's.
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
        return page;
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(DashboardFixture.ScreenshotDirectory);
        var path = Path.Combine(DashboardFixture.ScreenshotDirectory, name);
        File.Delete(path);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
    }
}
