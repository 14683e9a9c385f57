namespace NestedHvDashboard.Web.Guests;

/// <summary>The background refresh of guest facts (configuration section "GuestFacts").</summary>
public sealed class GuestFactsOptions
{
    /// <summary>How often the guests with a remembered credential are read again. Default 10 minutes; zero or less turns it off.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many guests are read per round, one at a time, the least recently read first. Default 20.</summary>
    public int MaxGuestsPerRound { get; set; } = 20;
}
