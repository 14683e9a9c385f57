namespace NestedHvDashboard.Core.Inventory;

/// <summary>
/// Exponential backoff with jitter for one host's reconnects: the ceiling doubles per failure up
/// to a maximum, and each wait is between half the ceiling and the ceiling, so hosts that fell
/// together do not all come back at the same instant. Hand-written rather than a retry pipeline
/// because a retry here spans a whole watch session and resets when the host answers again.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _failures;

    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
        _random = random ?? Random.Shared;
    }

    /// <summary>The wait before the next attempt; each call counts one more failure.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = _initial * Math.Pow(2, Math.Min(_failures, 30));
        if (ceiling > _max)
        {
            ceiling = _max;
        }

        _failures++;
        return (ceiling / 2) + ((ceiling / 2) * _random.NextDouble());
    }

    /// <summary>The host answered: the next failure starts from the first wait again.</summary>
    public void Reset() => _failures = 0;
}
