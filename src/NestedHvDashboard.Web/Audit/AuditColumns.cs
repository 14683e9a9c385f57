using System.Globalization;

namespace NestedHvDashboard.Web.Audit;

/// <summary>
/// The audit table's bounded columns (the model's HasMaxLength) and fitting a request-made value into them: a raw request
/// path or a route value can be longer, and PostgreSQL refuses a value over a varchar's length where SQLite takes it.
/// </summary>
public static class AuditColumns
{
    public const int Action = 128;
    public const int Host = 256;
    public const int VmName = 256;

    /// <summary><paramref name="start"/> with its action, host and VM name cut to fit their columns.</summary>
    public static AuditStart Fit(AuditStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        return start with { Action = Clip(start.Action, Action)!, Host = Clip(start.Host, Host), VmName = Clip(start.VmName, VmName) };
    }

    /// <summary>
    /// <paramref name="value"/> when it fits in <paramref name="max"/> UTF-16 units, else its start and "…" within
    /// <paramref name="max"/>, never cutting a character (a surrogate pair or a base with its combining marks) in two.
    /// </summary>
    public static string? Clip(string? value, int max)
    {
        if (value is null || value.Length <= max)
        {
            return value;
        }

        var keep = 0;
        var elements = StringInfo.GetTextElementEnumerator(value);
        while (elements.MoveNext())
        {
            var end = elements.ElementIndex + elements.GetTextElement().Length;
            if (end > max - 1)
            {
                break;
            }

            keep = end;
        }

        return string.Concat(value.AsSpan(0, keep), "…");
    }
}
