using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Operations;

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

/// <summary>
/// What an add, edit or remove did, in the shape every change's result shares (<see cref="ChangeResult"/>): done, or refused
/// (or denied) with why. The hosts' own part is the field errors the form shows beside each field.
/// </summary>
/// <param name="Outcome">Succeeded when the change was saved and the live view follows it; Refused or Denied when nothing changed.</param>
/// <param name="Message">One line for the user: what was done, or every problem's message.</param>
/// <param name="Errors">The problems, each naming its field (empty for a problem with the whole host); empty when it was done.</param>
public sealed record HostChangeResult(OperationOutcome Outcome, string Message, IReadOnlyList<HostFieldError> Errors)
    : ChangeResult(Outcome, Message, null)
{
    /// <summary>The change was made; <paramref name="message"/> says what it was.</summary>
    public static HostChangeResult Done(string message) => new(OperationOutcome.Succeeded, message, []);

    /// <summary>Nothing changed, for one reason that concerns the whole host.</summary>
    public static HostChangeResult Refused(string message) => Invalid([new HostFieldError("", message)]);

    /// <summary>Nothing changed: the actor may not make the change.</summary>
    public static HostChangeResult Denied(string message) => new(OperationOutcome.Denied, message, [new HostFieldError("", message)]);

    /// <summary>Nothing changed: the form has <paramref name="errors"/>; the message joins theirs.</summary>
    public static HostChangeResult Invalid(IReadOnlyList<HostFieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new(OperationOutcome.Refused, string.Join(" ", errors.Select(e => e.Message)), errors);
    }
}
