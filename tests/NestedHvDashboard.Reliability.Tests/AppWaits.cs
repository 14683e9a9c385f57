using NestedHvDashboard.Browser.Tests;

namespace NestedHvDashboard.Reliability.Tests;

/// <summary>
/// Waits on what a dashboard process should come to show: a timeout's message carries the app's last log lines, so a
/// failure on a CI machine says what the app was doing (connecting, retrying, refused) and not only what never came.
/// </summary>
internal static class AppWaits
{
    private const int TailLines = 60;

    /// <summary><see cref="Eventually.HoldsAsync(Func{Task{bool}}, TimeSpan?, string)"/>, with <paramref name="app"/>'s log tail on a timeout.</summary>
    public static async Task HoldsAsync(this DashboardProcess app, Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        try
        {
            await Eventually.HoldsAsync(condition, limit, what);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\nThe app's last {TailLines} log lines:\n{Tail(app.Output, TailLines)}", timeout);
        }
    }

    /// <summary><see cref="Eventually.HoldsAsync(Func{bool}, TimeSpan?, string)"/>, with <paramref name="app"/>'s log tail on a timeout.</summary>
    public static Task HoldsAsync(this DashboardProcess app, Func<bool> condition, TimeSpan limit, string what) =>
        app.HoldsAsync(() => Task.FromResult(condition()), limit, what);

    /// <summary>The last <paramref name="lines"/> lines of <paramref name="text"/>.</summary>
    internal static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all[Math.Max(0, all.Length - lines)..]);
    }
}
