using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// The Connections page (/connections) in a real Chromium against the real app on 127.0.0.1: an
/// SSH host added at runtime joins the live view (Unreachable: nobody listens on its port), is
/// edited and removed, without a reload or a restart.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ConnectionsTests(DashboardFixture dashboard)
{
    private const float Timeout = 60_000;

    [Fact]
    public async Task An_ssh_host_added_on_the_page_goes_live_unreachable_is_edited_and_removed()
    {
        const string name = "browser-ssh";
        var port = UnusedPort();
        await using var context = await dashboard.NewContextAsync(1366, 900);
        var page = await OpenConnectionsAsync(context);
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");

        await page.GetByTestId("add-host").ClickAsync();
        var dialog = page.GetByTestId("host-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
        await FillAsync(page, "name", name);
        await FillAsync(page, "address", "127.0.0.1");
        await page.GetByTestId("transport-ssh").ClickAsync();
        await Assertions.Expect(Field(page, "key-file")).ToBeVisibleAsync();
        await Assertions.Expect(Field(page, "password")).ToHaveCountAsync(0);
        await FillAsync(page, "port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await FillAsync(page, "user", "nobody");
        await FillAsync(page, "tags", "browser, first");
        await Assertions.Expect(page.GetByTestId("transport-ssh")).ToHaveAttributeAsync("aria-pressed", "true");

        // Test connection tries the unsaved form: nobody listens, and the result says so inside the dialog.
        await page.GetByTestId("test-connection").ClickAsync();
        var result = page.GetByTestId("test-result");
        await Assertions.Expect(result).ToContainTextAsync("Unreachable", new() { Timeout = Timeout });
        await Assertions.Expect(result).ToContainTextAsync($"Could not connect to '{name}' (SSH to nobody@127.0.0.1:{port})");
        await SaveScreenshotAsync(page, "connections-dialog.png");

        await Assertions.Expect(dialog.GetByTestId("lab-keep-note")).ToContainTextAsync("It stays on beside this host");
        await page.GetByTestId("save").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0, new() { Timeout = Timeout });

        var row = Row(page, name);
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(row).ToContainTextAsync("SSH");
        await Assertions.Expect(row).ToContainTextAsync(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(row.GetByTestId("host-status")).ToHaveTextAsync("Unreachable", new() { Timeout = Timeout });
        // Adding a real host keeps the running lab on, as a kept choice (the dialog said so).
        await Assertions.Expect(page.GetByTestId("lab-card")).ToHaveAttributeAsync("data-lab", "on");
        await Assertions.Expect(page.GetByTestId("lab-choice")).ToContainTextAsync("Kept on across restarts");
        await SaveScreenshotAsync(page, "connections-added.png");

        // Edit its tags: the row follows.
        await row.GetByTestId("edit-host").ClickAsync();
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(Field(page, "tags")).ToHaveValueAsync("browser, first");
        await FillAsync(page, "tags", "browser, edited");
        await page.GetByTestId("save").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Assertions.Expect(row.GetByTestId("host-tags")).ToContainTextAsync("edited", new() { Timeout = Timeout });
        await Assertions.Expect(row.GetByTestId("host-tags")).Not.ToContainTextAsync("first");
        await Assertions.Expect(row.GetByTestId("host-status")).ToHaveTextAsync("Unreachable", new() { Timeout = Timeout });

        // Remove it, after confirming.
        await row.GetByTestId("remove-host").ClickAsync();
        await page.GetByTestId("remove-confirm").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = Timeout });

        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        Assert.Empty(dashboard.OffLoopbackRequests);
    }

    private static int UnusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<IPage> OpenConnectionsAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/connections");

        // The circuit's first interactive render, not just its socket: clicks before it are lost.
        await Assertions.Expect(page.GetByTestId("feed-state")).ToHaveTextAsync("live", new() { Timeout = Timeout });
        return page;
    }

    // MudBlazor puts the attributes on the input itself or on its wrapper, depending on the field.
    private static ILocator Field(IPage page, string field) =>
        page.Locator($"input[data-testid=field-{field}], [data-testid=field-{field}] input");

    private static async Task FillAsync(IPage page, string field, string value)
    {
        var input = Field(page, field);
        await input.FillAsync(value);

        // The field takes its value on change, which a blur sends.
        await input.BlurAsync();
    }

    private static ILocator Row(IPage page, string host) =>
        page.Locator("tr").Filter(new() { Has = page.Locator($"[data-testid=host-name][data-host='{host}']") });

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(DashboardFixture.ScreenshotDirectory);
        var path = Path.Combine(DashboardFixture.ScreenshotDirectory, name);
        File.Delete(path);
        await page.ScreenshotAsync(new() { Path = path });
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
    }
}
