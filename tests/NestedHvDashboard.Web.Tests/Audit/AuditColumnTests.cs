using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>
/// A denied API call stores its raw request path as the action, and route values as host and VM: values longer than their
/// columns are cut to fit (PostgreSQL would refuse the row, and with it the Denied entry), never splitting a character.
/// </summary>
public sealed class AuditColumnTests : IDisposable
{
    private readonly TestDatabase _db = TestDatabase.Create();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_request_path_host_or_vm_longer_than_its_column_is_stored_cut_to_fit_and_marked()
    {
        var viewer = TestDatabase.Viewer with { Channel = Channels.Api };
        // A long path whose cut point falls inside an emoji (a surrogate pair).
        var path = "API POST /api/v1/hosts/" + new string('h', 98) + "/vms/" + string.Concat(Enumerable.Repeat("😀", 200)) + "/nested";
        var host = new string('h', 300);
        var vm = string.Concat(Enumerable.Repeat("é", 400));

        await _db.Audit.RecordAsync(new AuditStart(viewer, path, host, vm, null), new AuditCompletion(AuditResults.Denied, "needs the Operator role"));
        await _db.Audit.RecordAsync(new AuditStart(viewer, path, host, vm, null), new AuditCompletion(AuditResults.Denied, "needs the Operator role"));
        var id = await _db.Audit.BeginAsync(new AuditStart(TestDatabase.Operator, path, host, vm, null));

        using var db = _db.Factory.CreateDbContext();
        var table = db.Model.FindEntityType(typeof(AuditEntry))!;
        int Max(string column) => table.FindProperty(column)!.GetMaxLength()!.Value;
        var rows = _db.Entries();
        Assert.Equal(2, rows.Count);
        // The repeated denial is still counted on one row: the cut value is what both attempts compare.
        Assert.Equal(2, rows[0].RepeatCount);
        Assert.Equal(id, rows[1].Id);
        Assert.All(rows, row =>
        {
            Assert.InRange(row.Action.Length, Max(nameof(AuditEntry.Action)) - 2, Max(nameof(AuditEntry.Action)));
            Assert.InRange(row.Host!.Length, 1, Max(nameof(AuditEntry.Host)));
            Assert.InRange(row.VmName!.Length, 1, Max(nameof(AuditEntry.VmName)));
            Assert.StartsWith("API POST /api/v1/hosts/hhh", row.Action, StringComparison.Ordinal);
            // 126 units of path, then an emoji that does not fit whole: it is left out, not cut in half.
            Assert.EndsWith("/vms/…", row.Action, StringComparison.Ordinal);
            Assert.EndsWith("…", row.Host, StringComparison.Ordinal);
            Assert.EndsWith("é…", row.VmName, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_value_that_fits_is_kept_as_it_is()
    {
        Assert.Equal("Enable nested", AuditColumns.Clip("Enable nested", AuditColumns.Action));
        Assert.Null(AuditColumns.Clip(null, AuditColumns.Host));
        Assert.Equal(new string('x', 128), AuditColumns.Clip(new string('x', 128), AuditColumns.Action));
    }
}
