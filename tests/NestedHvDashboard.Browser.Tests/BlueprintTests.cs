using Microsoft.Playwright;
using NestedHvDashboard.Simulator.Scenarios;
using static NestedHvDashboard.Browser.Tests.LabPages;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// A lab blueprint end to end in a real Chromium on the simulated lab: the example lab (two L1s with three L2s each) is
/// imported from its file, reviewed with every command, applied with the guest accounts and followed step by step until
/// every step is done; nested virtualization is then turned off on one L1 from its VM page, the drift shows on the
/// overview, the wall and the host page, and re-applying from the overview clears it.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class BlueprintTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    // A whole lab's run: two L1s created, started and set up, six L2s created, addressed and tested, on a busy box.
    private const float RunTimeout = 240_000;

    // deploy/blueprints/example-lab.yaml: lab-nat (NAT) on HV-WS2022-AMD, lab-ext (external switch) on HV-WS2019-01.
    private const string Blueprint = "example-lab";
    private const string Host = "HV-WS2022-AMD";
    private const string L1 = "lab-nat";

    private static readonly (int Width, int Height)[] Sizes = [(1920, 1080), (1366, 768)];

    [Fact]
    public async Task The_example_lab_is_imported_reviewed_applied_and_its_drift_shown_everywhere_until_re_applied()
    {
        // Its own dashboard process: the lab it builds would change what the other tests read.
        await using var app = await DashboardProcess.StartAsync();

        await using (var context = await dashboard.NewContextAsync(app, 1920, 1080))
        {
            var list = await OpenLiveAsync(context, "/blueprints");
            await ImportAsync(list, ExampleLabFile());
            var row = list.Locator("[data-testid=blueprint-list] tbody tr", new() { HasText = Blueprint });
            await Assertions.Expect(row.GetByTestId("blueprint-counts")).ToHaveTextAsync("2 L1 · 6 L2");
            await Assertions.Expect(row.GetByTestId("blueprint-run-state")).ToHaveTextAsync("never applied");

            var editor = await OpenLiveAsync(context, $"/blueprints/{Blueprint}");
            await Assertions.Expect(editor.GetByTestId("text-yaml")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("lab-nat"));
            await editor.GetByTestId("review-run").ClickAsync();
            await Assertions.Expect(editor.GetByTestId("review-ok")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(editor.GetByTestId("review-l1")).ToHaveCountAsync(2);
            await Assertions.Expect(editor.Locator($"[data-testid=review-l1][data-l1={L1}] [data-testid=review-command]").First).ToContainTextAsync($"on {Host}");
            await editor.GetByTestId("blueprint-review").ScrollIntoViewIfNeededAsync();
            await SaveScreenshotAsync(editor, "blueprint-review-1920-light.png", 1920, 1080);

            await editor.GetByTestId("review-apply").ClickAsync();
            await FillGuestAccountAsync(editor);
            await SaveScreenshotAsync(editor, "blueprint-apply-dialog-1920-light.png", 1920, 1080);
            await editor.GetByTestId("apply-ok").ClickAsync();
            var run = editor.GetByTestId("run-state");
            await Assertions.Expect(run).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = RunTimeout });
            await Assertions.Expect(editor.Locator("[data-testid=run-step]:not([data-state=Done])")).ToHaveCountAsync(0);
            await editor.GetByTestId("blueprint-run").ScrollIntoViewIfNeededAsync();
            await SaveScreenshotAsync(editor, "blueprint-run-1920-light.png", 1920, 1080);
        }

        await InjectDriftAsync(app);

        // The drift at each width and theme: overview (with Re-apply), wall (one line), host page, the list and the blueprint.
        await using var tab = await dashboard.NewTabAsync(app);
        foreach (var (width, height) in Sizes)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var suffix = $"{width}-{scheme.ToString().ToLowerInvariant()}";
                var overview = await tab.OpenAsync("/", width, height, scheme);
                var drift = overview.Locator($"[data-testid=drift-blueprint][data-blueprint={Blueprint}]");
                await Assertions.Expect(drift.Locator("[data-testid=drift-item][data-kind=NestedOff]")).ToContainTextAsync(L1, new() { Timeout = RunTimeout });
                await Assertions.Expect(drift.GetByTestId("drift-reapply")).ToBeVisibleAsync();
                await SaveScreenshotAsync(overview, $"blueprint-drift-overview-{suffix}.png", width, height);

                var wall = await tab.OpenAsync("/wall", width, height, scheme);
                await Assertions.Expect(wall.Locator($"[data-testid=drift-line-item][data-blueprint={Blueprint}]")).ToContainTextAsync(L1, new() { Timeout = Timeout });
                await Assertions.Expect(wall.GetByTestId("blueprint-drift-line").Locator("button")).ToHaveCountAsync(0);
                await SaveScreenshotAsync(wall, $"blueprint-drift-wall-{suffix}.png", width, height);

                var host = await tab.OpenAsync($"/hosts/{Host}", width, height, scheme);
                await Assertions.Expect(host.GetByTestId("blueprint-drift-card").GetByTestId("drift-item")).ToContainTextAsync(L1, new() { Timeout = Timeout });
                await SaveScreenshotAsync(host, $"blueprint-drift-host-{suffix}.png", width, height);

                var list = await tab.OpenAsync("/blueprints", width, height, scheme);
                var row = list.Locator("[data-testid=blueprint-list] tbody tr", new() { HasText = Blueprint });
                await Assertions.Expect(row.GetByTestId("blueprint-run-state")).ToHaveTextAsync("applied");
                await Assertions.Expect(row.GetByTestId("blueprint-drift")).Not.ToHaveTextAsync("none");
                await SaveScreenshotAsync(list, $"blueprint-list-{suffix}.png", width, height);

                var editor = await tab.OpenAsync($"/blueprints/{Blueprint}", width, height, scheme);
                await SaveScreenshotAsync(editor, $"blueprint-editor-yaml-{suffix}.png", width, height);
                await editor.GetByRole(AriaRole.Tab, new() { Name = "Form" }).ClickAsync();
                await Assertions.Expect(editor.GetByTestId("form-l1")).ToHaveCountAsync(2);
                await SaveScreenshotAsync(editor, $"blueprint-editor-form-{suffix}.png", width, height);
            }
        }

        // Closed here, not at the end of the test: an open page stays live and draws every change.
        await tab.DisposeAsync();

        // Re-apply from the overview: the run puts nested back on the L1 and the drift clears everywhere.
        await using (var context = await dashboard.NewContextAsync(app, 1366, 768))
        {
            var overview = await OpenLiveAsync(context, "/");
            await overview.Locator($"[data-testid=drift-blueprint][data-blueprint={Blueprint}]").GetByTestId("drift-reapply").ClickAsync();
            await FillGuestAccountAsync(overview);
            await overview.GetByTestId("apply-ok").ClickAsync();
            await Assertions.Expect(overview.GetByTestId("drift-reapply-answer")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(overview.Locator($"[data-testid=drift-blueprint][data-blueprint={Blueprint}]")).ToHaveCountAsync(0, new() { Timeout = RunTimeout });

            var editor = await OpenLiveAsync(context, $"/blueprints/{Blueprint}");
            await Assertions.Expect(editor.GetByTestId("run-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = RunTimeout });
            await Assertions.Expect(editor.GetByTestId("drift-none")).ToBeVisibleAsync(new() { Timeout = Timeout });
            var list = await OpenLiveAsync(context, "/blueprints");
            await Assertions.Expect(list.Locator("[data-testid=blueprint-list] tbody tr", new() { HasText = Blueprint }).GetByTestId("blueprint-drift")).ToHaveTextAsync("none", new() { Timeout = Timeout });
            await SaveScreenshotAsync(list, "blueprint-list-after-reapply-1366-light.png", 1366, 768);
        }
    }

    // The drift a user would cause: nested virtualization turned off on the L1 from its VM page (the cascade shuts its L2 VMs down first).
    private async Task InjectDriftAsync(DashboardProcess app)
    {
        await using var context = await dashboard.NewContextAsync(app, 1366, 768);
        var vms = await OpenLiveAsync(context, $"/hosts/{Host}/vms");
        await vms.Locator(".mud-main-content").GetByText(L1, new() { Exact = true }).First.ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(vms.GetByTestId("vm-name")).ToHaveTextAsync(L1, new() { Timeout = Timeout });
        await vms.Locator("label:has([data-testid=\"nested-switch\"])").ClickAsync();

        // The page reads the guest before its dialog lists the running L2 VMs: the apply did not remember the guest's account,
        // so it is asked for first, and the cascade then runs with it.
        var user = vms.Locator("[data-testid=guest-user] input, input[data-testid=guest-user]");
        await Assertions.Expect(user).ToBeVisibleAsync(new() { Timeout = Timeout });
        await user.FillAsync(LabScenarios.GuestAdministratorUserName);
        await vms.Locator("[data-testid=guest-password] input, input[data-testid=guest-password]").FillAsync(LabScenarios.GuestAdministratorPassword);
        await vms.GetByTestId("guest-credential-ok").ClickAsync();
        await Assertions.Expect(vms.GetByTestId("cascade-running-names")).ToHaveTextAsync("nat-web, nat-sql, nat-client", new() { Timeout = Timeout });
        await vms.GetByTestId("choice-cascade").ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(vms.GetByTestId("fact-nested")).ToHaveTextAsync("Off", new() { Timeout = 60_000 });
    }

    private static async Task FillGuestAccountAsync(IPage page)
    {
        await page.Locator("[data-testid=apply-l1-user] input, input[data-testid=apply-l1-user]").FillAsync(LabScenarios.GuestAdministratorUserName, new() { Timeout = Timeout });
        await page.Locator("[data-testid=apply-l1-password] input, input[data-testid=apply-l1-password]").FillAsync(LabScenarios.GuestAdministratorPassword);
    }

    /// <summary>
    /// Imports <paramref name="file"/> as a user does: the Import file button opens the browser's file chooser (through the
    /// upload component's script, so only once the circuit has wired it), and the file chosen there is read by the page.
    /// </summary>
    private static async Task ImportAsync(IPage list, string file)
    {
        await Assertions.Expect(list.GetByTestId("blueprint-list")).ToBeVisibleAsync(new() { Timeout = Timeout });
        var chooser = await list.RunAndWaitForFileChooserAsync(() => list.GetByTestId("blueprint-import-button").ClickAsync(), new() { Timeout = Timeout });
        await chooser.SetFilesAsync(file);
        await Assertions.Expect(list.GetByTestId("blueprint-message")).ToContainTextAsync($"Imported '{Blueprint}'", new() { Timeout = Timeout });
    }

    // The example file as shipped in the repository, found from the test's output folder upwards.
    private static string ExampleLabFile()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "deploy", "blueprints", "example-lab.yaml");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("deploy/blueprints/example-lab.yaml was not found above " + AppContext.BaseDirectory);
    }
}
