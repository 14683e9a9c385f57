using System.Runtime.CompilerServices;

namespace NestedHvDashboard.TestSupport;

/// <summary>
/// Waiting in a test for something another thread or process brings about: polls the condition until it holds, and
/// fails past a limit with a message naming what was awaited — never a sleep of a guessed length.
/// </summary>
public static class Eventually
{
    /// <summary>The limit when the caller gives none.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> past <paramref name="limit"/> (default <see cref="DefaultLimit"/>).</summary>
    /// <param name="condition">Asked at once, then every 20 ms.</param>
    /// <param name="limit">How long to wait at most.</param>
    /// <param name="what">What is awaited, for the failure message; the condition's own text when not given.</param>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan? limit = null, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        ArgumentNullException.ThrowIfNull(condition);
        return HoldsAsync(() => Task.FromResult(condition()), limit, what);
    }

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> past <paramref name="limit"/> (default <see cref="DefaultLimit"/>).</summary>
    /// <param name="condition">Asked at once, then 20 ms after each answer.</param>
    /// <param name="limit">How long to wait at most.</param>
    /// <param name="what">What is awaited, for the failure message; the condition's own text when not given.</param>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan? limit = null, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        ArgumentNullException.ThrowIfNull(condition);
        var patience = limit ?? DefaultLimit;
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {patience.TotalSeconds:0.#} s for {what}.");
            }

            await Task.Delay(Interval);
        }
    }
}
