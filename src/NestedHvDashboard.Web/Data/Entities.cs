using Microsoft.AspNetCore.Identity;

namespace NestedHvDashboard.Web.Data;

/// <summary>A person who signs in (local account, or one created on first OpenID Connect / Windows sign-in).</summary>
public sealed class DashboardUser : IdentityUser
{
    /// <summary>When the account was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Where the account comes from: "Local", "OpenIdConnect" or "Windows".</summary>
    public string Source { get; set; } = "Local";
}

/// <summary>A host connection added in the UI. Non-secret settings as JSON; the password apart, encrypted with Data Protection.</summary>
public sealed class StoredHost
{
    public int Id { get; set; }

    /// <summary>The host's name as typed.</summary>
    public required string Name { get; set; }

    /// <summary>The name upper-cased (invariant): host names are unique regardless of case.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>The connection settings without the name and the password: a JSON column (the shape hosts.json had).</summary>
    public required StoredHostSettings Settings { get; set; }

    /// <summary>The password, protected with Data Protection; null when the host has none.</summary>
    public string? ProtectedPassword { get; set; }

    /// <summary>The order hosts were added in (the list keeps it).</summary>
    public int Position { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>A guest's credentials remembered for PowerShell Direct; the password encrypted with Data Protection.</summary>
public sealed class StoredGuestCredential
{
    public int Id { get; set; }

    /// <summary>The L0 host's name, upper-cased (invariant).</summary>
    public required string NormalizedHostName { get; set; }

    public Guid VmId { get; set; }

    public required string UserName { get; set; }

    public required string ProtectedPassword { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>A nested virtualization change waiting for its VM to be seen Off.</summary>
public sealed class StoredPendingChange
{
    public int Id { get; set; }

    public required string HostName { get; set; }

    /// <summary>The host's name upper-cased (invariant); one pending change per host + VM.</summary>
    public required string NormalizedHostName { get; set; }

    public Guid VmId { get; set; }

    public required string VmName { get; set; }

    public bool Enable { get; set; }

    public bool EnableMacAddressSpoofing { get; set; }

    public bool DisableDynamicMemory { get; set; }

    public DateTime RequestedAt { get; set; }

    /// <summary>Who asked for it (user name), when known.</summary>
    public string? RequestedBy { get; set; }
}

/// <summary>
/// One change attempt: written when it starts (<see cref="CompletedAt"/> null, <see cref="Result"/> "Started")
/// and completed when it ends. Never holds a secret.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    /// <summary>When the attempt started (UTC).</summary>
    public DateTime StartedAt { get; set; }

    /// <summary>When it ended (UTC); null while it runs (or when the app stopped before it ended).</summary>
    public DateTime? CompletedAt { get; set; }

    /// <summary>Who: the user name, "wall:&lt;link&gt;", or "system" for the app's own work (changes applied at next shutdown).</summary>
    public required string Actor { get; set; }

    /// <summary>The actor's role when it acted.</summary>
    public string? Role { get; set; }

    /// <summary>Through what: "Browser", "API", "Hub" or "System".</summary>
    public required string Channel { get; set; }

    /// <summary>From where: the client's IP address.</summary>
    public string? RemoteAddress { get; set; }

    public string? Host { get; set; }

    public string? VmName { get; set; }

    public Guid? VmId { get; set; }

    /// <summary>What was tried, e.g. "Enable nested", "MAC spoofing on", "Add host".</summary>
    public required string Action { get; set; }

    /// <summary>The request's parameters as JSON (never a secret).</summary>
    public string? Parameters { get; set; }

    /// <summary>The state before, as JSON or one line.</summary>
    public string? Before { get; set; }

    /// <summary>The state after, as JSON or one line.</summary>
    public string? After { get; set; }

    /// <summary>"Started" while running; then "Succeeded", "Failed", "Refused", "Denied", "Deferred", "Canceled" or "Interrupted".</summary>
    public required string Result { get; set; }

    /// <summary>One line for the user.</summary>
    public string? Message { get; set; }

    /// <summary>What the host said, verbatim, when it failed.</summary>
    public string? HostError { get; set; }

    /// <summary>Groups the entries of one bulk run or one API operation.</summary>
    public Guid? CorrelationId { get; set; }

    /// <summary>
    /// How many times this attempt was made: 1, or more for a denial repeated by the same user through the same channel
    /// with the same action on the same target within <see cref="Audit.DbAuditTrail.RepeatWindow"/> of the first
    /// (one row with a count, so a flood of refused requests cannot fill the trail); <c>CompletedAt</c> is the last one.
    /// </summary>
    public int RepeatCount { get; set; } = 1;

    /// <summary>
    /// The dashboard instance that ran the change (<c>Cluster:InstanceId</c>, by default the machine's name and port); null for
    /// entries written before entries named theirs. In cluster mode it says whose entry a dead instance left Started.
    /// </summary>
    public string? Instance { get; set; }
}

/// <summary>A personal access token for scripts. Only a SHA-256 hash of the token is kept.</summary>
public sealed class ApiToken
{
    public int Id { get; set; }

    public required string UserId { get; set; }

    public DashboardUser? User { get; set; }

    /// <summary>What the owner called it.</summary>
    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole token.</summary>
    public required string Hash { get; set; }

    /// <summary>The token's first characters, to recognise it in a list.</summary>
    public required string Prefix { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ExpiresAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

/// <summary>A read-only link for a wall screen: opens <c>/wall</c> and nothing else. Only a hash of the link's token is kept.</summary>
public sealed class WallLink
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the link's token.</summary>
    public required string Hash { get; set; }

    public required string Prefix { get; set; }

    /// <summary>The wall's tag filter, or null for all hosts.</summary>
    public string? Tag { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
