using System.Globalization;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Audit;

/// <summary>
/// The audit trail as CSV (RFC 4180): every cell quoted when it holds a quote, comma or line break, and a cell a
/// spreadsheet would take for a formula (= + - @ or their full-width forms, after any leading blanks; a leading tab or
/// carriage return) prefixed with a single quote. Names are stored as typed; only the export defuses them.
/// </summary>
public static class AuditCsv
{
    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "Id", "Started (UTC)", "Completed (UTC)", "User", "Role", "Channel", "Address", "Host", "VM", "VM id", "Action",
        "Result", "Message", "Host error", "Parameters", "Before", "After", "Correlation id", "Times",
    ];

    /// <summary>The header line, with its line break.</summary>
    public static string Header => Line(Columns);

    /// <summary>One entry's line, with its line break.</summary>
    public static string Row(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Line(
        [
            entry.Id.ToString(CultureInfo.InvariantCulture), Time(entry.StartedAt), Time(entry.CompletedAt), entry.Actor, entry.Role, entry.Channel,
            entry.RemoteAddress, entry.Host, entry.VmName, entry.VmId?.ToString(), entry.Action, entry.Result, entry.Message, entry.HostError,
            entry.Parameters, entry.Before, entry.After, entry.CorrelationId?.ToString(), entry.RepeatCount.ToString(CultureInfo.InvariantCulture),
        ]);
    }

    /// <summary>One cell: formula-looking text defused, then quoted when needed.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // A spreadsheet runs "=HYPERLINK(...)" typed into a VM name; the quote makes it text (OWASP CSV injection).
        if (LooksLikeFormula(value))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>
    /// True when a spreadsheet could read the cell as a formula: it starts with a tab or carriage return, or its first
    /// character after any leading whitespace, control or format characters (spreadsheets skip them) is = + - @ or
    /// the full-width ＝ ＋ － ＠ (some spreadsheets fold those to their ASCII forms).
    /// </summary>
    public static bool LooksLikeFormula(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '\t' or '\r')
        {
            return true;
        }

        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                continue;
            }

            return c is '=' or '+' or '-' or '@' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20';
        }

        return false;
    }

    /// <summary>The file name of an export made at <paramref name="now"/>.</summary>
    public static string FileName(DateTimeOffset now) =>
        $"activity-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}Z.csv";

    /// <summary>Writes the header and every entry.</summary>
    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entries);
        await writer.WriteAsync(Header.AsMemory(), cancellationToken);
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(Row(entry).AsMemory(), cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    private static string Time(DateTime? time) =>
        time?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    private static string Line(IEnumerable<string?> cells)
    {
        return string.Join(',', cells.Select(Cell)) + "\r\n";
    }
}
