using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>Where a host's settings come from. Never stored or sent: only the directory and the Connections page read it.</summary>
public enum HostSource
{
    /// <summary>The <c>Hosts</c> configuration section (appsettings, environment): read-only here.</summary>
    Configuration,

    /// <summary>Added in the UI and stored in the database (<see cref="HostConnectionStore"/>): editable.</summary>
    Stored,

    /// <summary>The built-in simulated lab: read-only.</summary>
    Simulated,
}

/// <summary>One host of the directory with where it comes from.</summary>
/// <param name="Settings">How it is reached (the password included: never show it).</param>
/// <param name="Source">Where the settings come from.</param>
public sealed record DirectoryHost(HostConnectionSettings Settings, HostSource Source)
{
    /// <summary>The host's name.</summary>
    public string Name => Settings.Name;

    /// <summary>Only hosts added in the UI can be edited or removed there.</summary>
    public bool IsEditable => Source == HostSource.Stored;
}

/// <summary>What an add, edit or remove did: nothing and why, or done.</summary>
/// <param name="Errors">The problems, each naming its field; empty when it was done.</param>
public sealed record HostChangeResult(IReadOnlyList<HostFieldError> Errors)
{
    public static readonly HostChangeResult Done = new([]);

    /// <summary>True when the change was saved and the live view follows it.</summary>
    public bool Succeeded => Errors.Count == 0;

    public static HostChangeResult Refused(string message) => new([new HostFieldError("", message)]);
}
