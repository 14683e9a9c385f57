namespace NestedHvDashboard.Core.Inventory;

/// <summary>How the dashboard's connection to a host stands.</summary>
public enum HostConnectionState
{
    /// <summary>The first read has not answered yet.</summary>
    Connecting,

    /// <summary>The host answers; its inventory is current.</summary>
    Connected,

    /// <summary>The host did not answer (refused, broke, or timed out); the last known inventory is stale.</summary>
    Unreachable,

    /// <summary>The host refused the dashboard's credentials.</summary>
    AuthenticationFailed,
}

/// <summary>A host's connection state, since when it holds, and the host's last error.</summary>
/// <param name="State">The state.</param>
/// <param name="Since">When the host entered this state (UTC).</param>
/// <param name="LastError">What the last failed read said (host, what was tried, what the host said); null when connected.</param>
public sealed record HostStatus(HostConnectionState State, DateTimeOffset Since, string? LastError = null)
{
    /// <summary>True when <paramref name="other"/> says the same to a user: same state and error (the time aside).</summary>
    public bool SaysSameAs(HostStatus? other) =>
        other is not null && other.State == State && string.Equals(other.LastError, LastError, StringComparison.Ordinal);
}
