using System.Globalization;
using System.Text;

namespace NestedHvDashboard.Core.Networking;

/// <summary>
/// A command a plan will run: its name and parameters. The engine runs it with these parameters;
/// <see cref="DisplayText"/> is for showing the user, never for execution.
/// </summary>
public sealed record PlannedCommand(string Name, IReadOnlyList<PlannedParameter> Parameters)
{
    /// <summary>The command as the user would type it, values quoted where PowerShell needs it.</summary>
    public string DisplayText
    {
        get
        {
            var text = new StringBuilder(Name);
            foreach (var parameter in Parameters)
            {
                text.Append(" -").Append(parameter.Name);
                switch (parameter.Value)
                {
                    case null:
                        break;
                    case bool flag:
                        text.Append(flag ? ":$true" : ":$false");
                        break;
                    case int number:
                        text.Append(' ').Append(number.ToString(CultureInfo.InvariantCulture));
                        break;
                    case IEnumerable<string> list:
                        text.Append(' ').AppendJoin(',', list.Select(Quote));
                        break;
                    default:
                        text.Append(' ').Append(Quote(Convert.ToString(parameter.Value, CultureInfo.InvariantCulture) ?? ""));
                        break;
                }
            }

            return text.ToString();
        }
    }

    public override string ToString() => DisplayText;

    /// <summary>Bare when the value is a plain word, otherwise a single-quoted literal ('' doubles a quote).</summary>
    internal static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '-' or '_') && !value.StartsWith('-')
            ? value
            : "'" + value.Replace("'", "''", StringComparison.Ordinal).Replace("\u2018", "\u2018\u2018", StringComparison.Ordinal).Replace("\u2019", "\u2019\u2019", StringComparison.Ordinal).Replace("\u201A", "\u201A\u201A", StringComparison.Ordinal).Replace("\u201B", "\u201B\u201B", StringComparison.Ordinal) + "'";
}

/// <summary>One parameter: a string, an int, a list of strings, a bool (shown as -Name:$true) or null for a switch.</summary>
public sealed record PlannedParameter(string Name, object? Value = null);
