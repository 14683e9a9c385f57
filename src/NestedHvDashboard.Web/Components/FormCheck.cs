namespace NestedHvDashboard.Web.Components;

/// <summary>
/// Which of a form's fields show their problem: a field once the user edited it, and every field once the form was submitted.
/// The problems themselves are computed from the values as they are now, so a fixed field never keeps a stale message, and a
/// submit with problems shows them all instead of a silently greyed button.
/// </summary>
public sealed class FormCheck
{
    private readonly HashSet<string> _edited = new(StringComparer.Ordinal);

    /// <summary>True once the user submitted the form (until <see cref="Reset"/>).</summary>
    public bool Submitted { get; private set; }

    /// <summary>The user typed in (or chose) <paramref name="field"/>.</summary>
    public void Edited(string field) => _edited.Add(field);

    /// <summary>The user pressed the form's button: from now on every field's problem shows.</summary>
    public void Submit() => Submitted = true;

    /// <summary>A fresh form (after it was sent, or closed): nothing shows until edited again.</summary>
    public void Reset()
    {
        _edited.Clear();
        Submitted = false;
    }

    /// <summary><paramref name="problem"/> when <paramref name="field"/> shows its problem now, else null.</summary>
    public string? Shown(string field, string? problem) => Submitted || _edited.Contains(field) ? problem : null;
}
