using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// The soak's changes through the UI: one signed-in headless Chromium that, in turn, opens a random VM's page, flips the
/// nested switch as a person would (choosing shut down or turn off in the dialog when the VM runs) and waits for the
/// outcome. Each flip the page took (the dialog's choice made, or the steps shown for a VM that is off) is an attempt
/// that must have its Browser-channel audit entry.
/// </summary>
internal sealed class SoakBrowser(ScaleBrowsers browsers, SoakBenchmark.SoakVms listed)
{
    private static readonly TimeSpan OperationLimit = TimeSpan.FromMinutes(3);
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private int _attempts;
    private int _succeeded;

    /// <summary>Flips the page took: each started a change that the audit trail must record.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Flips whose outcome said the change was done.</summary>
    public int Succeeded => Volatile.Read(ref _succeeded);

    public IReadOnlyDictionary<string, int> Errors => _errors;

    /// <summary>Flips one VM after another, one every <paramref name="every"/> at most, until <paramref name="stop"/>.</summary>
    public async Task RunAsync(TimeSpan every, CancellationToken stop)
    {
        var page = await browsers.NewPageAsync();
        var random = new Random(17);
        using var tick = new PeriodicTimer(every);
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                var vms = listed.Vms;
                if (vms.Count > 0)
                {
                    var (host, vm) = vms[random.Next(vms.Count)];
                    await FlipAsync(page, host, vm.GetProperty("id").GetGuid(), random);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The soak's time is up.
        }
    }

    private async Task FlipAsync(IPage page, string host, Guid id, Random random)
    {
        try
        {
            await ScaleBrowsers.OpenLiveAsync(page, $"/hosts/{Uri.EscapeDataString(host)}/vms/{id}");
            var toggle = page.GetByTestId("nested-switch");
            await toggle.WaitForAsync(new() { Timeout = 30_000 });
            if (!await toggle.IsEnabledAsync())
            {
                // Another change (the API's) runs on this VM, or its host is away: not an attempt.
                Error("ui switch disabled (VM busy or host away)");
                return;
            }

            await page.Locator("label:has([data-testid=\"nested-switch\"])").ClickAsync(new() { Timeout = 10_000 });
            var dialog = page.GetByRole(AriaRole.Dialog);
            var started = page.Locator("[role=dialog], [data-testid=steps], [data-testid=outcome]").First;
            await started.WaitForAsync(new() { Timeout = 30_000 });
            if (await dialog.IsVisibleAsync())
            {
                await dialog.GetByTestId(random.Next(2) == 0 ? "choice-shut-down" : "choice-turn-off").ClickAsync(new() { Timeout = 10_000 });
            }

            Interlocked.Increment(ref _attempts);
            var outcome = page.GetByTestId("outcome");
            await outcome.WaitForAsync(new() { Timeout = (float)OperationLimit.TotalMilliseconds });
            var classes = await outcome.GetAttributeAsync("class") ?? "";
            if (classes.Contains("success", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _succeeded);
            }
            else
            {
                var title = (await outcome.Locator("b").First.InnerTextAsync()).Trim();
                Error($"ui outcome {title}");
            }
        }
        catch (TimeoutException)
        {
            Error("ui timeout");
        }
        catch (PlaywrightException ex)
        {
            Error($"ui {ex.GetType().Name}");
        }
    }

    private void Error(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
