using System.Text;
using Microsoft.Net.Http.Headers;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Audit;

/// <summary>The audit trail over HTTP: <c>GET /activity/export.csv</c> with the Activity page's filters in the query string.</summary>
public static class AuditEndpoints
{
    /// <summary>The export's path.</summary>
    public const string ExportPath = "/activity/export.csv";

    /// <summary>Maps the CSV export (View policy).</summary>
    public static IEndpointConventionBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet(ExportPath, ExportAsync).RequireAuthorization(DashboardPolicies.View);
    }

    private static async Task ExportAsync(HttpContext context, AuditQuery query, TimeProvider time)
    {
        var filter = AuditFilter.FromQuery(context.Request.Query);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers[HeaderNames.ContentDisposition] =
            new ContentDispositionHeaderValue("attachment") { FileName = AuditCsv.FileName(time.GetUtcNow()) }.ToString();
        context.Response.Headers[HeaderNames.CacheControl] = "no-store";

        // Streamed: rows are written as the database returns them. The BOM lets spreadsheets read UTF-8.
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024, leaveOpen: true);
        await AuditCsv.WriteAsync(writer, query.StreamAsync(filter, context.RequestAborted), context.RequestAborted);
    }
}
