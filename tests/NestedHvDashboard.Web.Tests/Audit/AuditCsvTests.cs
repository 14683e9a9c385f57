using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>The CSV export's cells: RFC 4180 quoting and no formula a spreadsheet would run.</summary>
public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line 1\nline 2", "\"line 1\nline 2\"")]
    [InlineData("line 1\r\nline 2", "\"line 1\r\nline 2\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a=b", "a=b")]
    [InlineData(" =1+1", "' =1+1")]
    [InlineData("\u3000\u00A0 +1", "'\u3000\u00A0 +1")]
    [InlineData("\u0000\u001F-1", "'\u0000\u001F-1")]
    [InlineData("\u200B\uFEFF@SUM(A1)", "'\u200B\uFEFF@SUM(A1)")]
    [InlineData("\n=1+1", "\"'\n=1+1\"")]
    [InlineData("\uFF1D1+1", "'\uFF1D1+1")]
    [InlineData("\uFF0B1", "'\uFF0B1")]
    [InlineData("\uFF0D1", "'\uFF0D1")]
    [InlineData("\uFF20SUM(A1)", "'\uFF20SUM(A1)")]
    [InlineData(" \uFF1D1", "' \uFF1D1")]
    [InlineData(" plain", " plain")]
    [InlineData("   ", "   ")]
    public void A_cell_is_quoted_when_needed_and_formulas_are_defused(string? value, string expected)
    {
        Assert.Equal(expected, AuditCsv.Cell(value));
    }

    [Fact]
    public async Task A_name_is_stored_as_typed_and_only_the_export_defuses_it()
    {
        using var db = TestDatabase.Create();
        await db.Audit.RecordAsync(
            new AuditStart(TestDatabase.Operator, "Enable nested", " \uFF1Dhv", " =1+1", null),
            new AuditCompletion(AuditResults.Refused, "no"));

        var stored = Assert.Single(db.Entries());
        Assert.Equal((" \uFF1Dhv", " =1+1"), (stored.Host, stored.VmName));
        Assert.Contains(",' \uFF1Dhv,' =1+1,", AuditCsv.Row(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_has_a_header_and_one_line_per_entry_in_the_given_order()
    {
        var entry = new AuditEntry
        {
            Id = 7,
            StartedAt = new DateTime(2026, 11, 26, 6, 30, 0, DateTimeKind.Utc),
            CompletedAt = new DateTime(2026, 11, 26, 6, 30, 5, DateTimeKind.Utc),
            Actor = "olivia",
            Role = "Operator",
            Channel = "Browser",
            RemoteAddress = "127.0.0.1",
            Host = "hv-a",
            VmName = "=cmd|' /C calc'!A0",
            Action = "Enable nested",
            Parameters = "{\"enable\":true,\"power\":\"None\"}",
            Result = "Failed",
            Message = "Failed, the host said:\nno",
            RepeatCount = 4,
        };
        await using var writer = new StringWriter();

        await AuditCsv.WriteAsync(writer, Entries(entry));

        var text = writer.ToString();
        Assert.StartsWith("Id,Started (UTC),Completed (UTC),User,Role,Channel,Address,Host,VM,VM id,Action,Result,Message,Host error,Parameters,Before,After,Correlation id,Times\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith(
            "7,2026-11-26 06:30:00,2026-11-26 06:30:05,olivia,Operator,Browser,127.0.0.1,hv-a,'=cmd|' /C calc'!A0,,Enable nested,Failed,\"Failed, the host said:\nno\",,\"{\"\"enable\"\":true,\"\"power\"\":\"\"None\"\"}\",,,,4\r\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_name_carries_the_utc_time()
    {
        Assert.Equal("activity-20261126-063000Z.csv", AuditCsv.FileName(new DateTimeOffset(2026, 11, 26, 8, 30, 0, TimeSpan.FromHours(2))));
    }

    private static async IAsyncEnumerable<AuditEntry> Entries(params AuditEntry[] entries)
    {
        foreach (var entry in entries)
        {
            await Task.Yield();
            yield return entry;
        }
    }
}
