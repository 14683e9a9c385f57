namespace NestedHvDashboard.TestSupport;

/// <summary>
/// How the tests and benchmarks start Debian's Chromium (installed by <c>./build.sh test</c>; never a downloaded browser):
/// headless, on loopback only, without the background work a test never looks at.
/// </summary>
public static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// The command-line switches. The last one matters for time: Chromium 156 preloads its WebUI address-bar popup (two
    /// chrome://omnibox-popup.top-chrome renderers) in every new window, and a Playwright context is a window, so each fresh
    /// context cost ~1.3 s of CPU before the page itself. Without them a fresh context's load of the overview took 0.75 s
    /// of Chromium's CPU instead of 1.17 s (ten loads each way, 2026-12-06).
    /// </summary>
    public static IReadOnlyList<string> Arguments { get; } =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
    ];
}
