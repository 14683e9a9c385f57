using Microsoft.Playwright;

namespace NestedHvDashboard.Browser.Tests;

/// <summary>
/// One tab of a signed-in context that a test takes through pages, window sizes and themes, as a user resizing a window and going
/// from page to page: every <see cref="OpenAsync"/> is a fresh load of the page (a new circuit) at that size and theme, in the same
/// tab (see <see cref="LabPages.GoLiveAsync"/> for why: a new page per picture was most of the width × theme loops' browser CPU).
/// </summary>
public sealed class BrowserTab(IBrowserContext context) : IAsyncDisposable
{
    private IPage? _page;
    private bool _disposed;

    /// <summary>Loads <paramref name="path"/> at <paramref name="width"/> × <paramref name="height"/> in <paramref name="colorScheme"/> and waits until it is live.</summary>
    public async Task<IPage> OpenAsync(string path, int width, int height, ColorScheme colorScheme = ColorScheme.Light)
    {
        _page ??= await context.NewPageAsync();
        await _page.SetViewportSizeAsync(width, height);
        return await LabPages.GoLiveAsync(_page, path, colorScheme);
    }

    /// <summary>Closes the tab's context; again, nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await context.DisposeAsync();
        }
    }
}
