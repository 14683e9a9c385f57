namespace NestedHvDashboard.TestSupport;

/// <summary>
/// How the tests and benchmarks start Debian's Chromium (installed by <c>./build.sh test</c>; never a downloaded browser):
/// headless, on loopback only, without the background work a test never looks at.
/// </summary>
public static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// The command-line switches. The --disable-features one matters for time: Chromium 156 preloads its WebUI address-bar popup (two
    /// chrome://omnibox-popup.top-chrome renderers) in every new window, and a Playwright context is a window, so each fresh
    /// context cost ~1.3 s of CPU before the page itself. Without them a fresh context's load of the overview took 0.75 s
    /// of Chromium's CPU instead of 1.17 s (ten loads each way, 2026-12-06). Nor a spare renderer warmed up for the next
    /// navigation: one more process, 0.1 s of CPU, per context that never used it.
    /// The proxy switches keep the browser itself on loopback: everything but 127.0.0.1, localhost and ::1 goes to a proxy on
    /// 127.0.0.1:9, where nothing listens, so it fails on this machine. Even with background networking, component updates and
    /// sync off, Chromium 156 still tried update.googleapis.com and accounts.google.com (seen through a listening proxy); a
    /// page's request to another origin fails the same way, and the browser tests record it from the context's requests.
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
        "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup,SpareRendererForSitePerProcess",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=127.0.0.1;localhost;[::1]",
    ];
}
