using Microsoft.AspNetCore.Mvc;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Api;

/// <summary>
/// A change route that refuses before any service runs (a body that cannot be read or a missing field: 400; an unknown
/// host, VM or adapter: 404; a running VM without a choice, a VM name several VMs share: 409) stores the attempt as
/// <see cref="AuditResults.Refused"/> with the problem's detail as the reason, so the trail holds every API change
/// attempt, not only those a service saw.
/// </summary>
public sealed partial class ApiRefusalAudit(IAuditTrail audit, ILogger<ApiRefusalAudit> logger) : IEndpointFilter
{
    private const int MaxName = 256;

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        var outcome = result is INestedHttpResult nested ? nested.Result : result;
        if (outcome is not (IStatusCodeHttpResult { StatusCode: >= 400 and < 500 and not StatusCodes.Status403Forbidden } and IValueHttpResult { Value: ProblemDetails problem }))
        {
            return result;
        }

        var http = context.HttpContext;
        var actor = Actor.From(http.User, Channels.Api, http.Connection.RemoteIpAddress);
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value;
        var action = $"API {http.Request.Method} {pattern}";
        var host = Bounded(http.Request.RouteValues.TryGetValue("host", out var h) ? h?.ToString() : null);
        var vm = Bounded(http.Request.RouteValues.TryGetValue("vm", out var v) ? v?.ToString() : null);
        var reason = $"{problem.Title} ({problem.Status}): {ReasonOf(problem)} Nothing was changed.";
        try
        {
            await audit.RecordAsync(
                new AuditStart(actor, action, host, vm, null, http.Items.TryGetValue(ApiRequestBody.ItemKey, out var body) ? body : null),
                new AuditCompletion(AuditResults.Refused, reason),
                CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The refusal stands (nothing ran); the log keeps what the trail could not.
            LogNotRecorded(logger, ex, actor.Name, action, reason);
        }

        return result;
    }

    private static string ReasonOf(ProblemDetails problem)
    {
        var errors = problem is HttpValidationProblemDetails validation
            ? validation.Errors
            : problem.Extensions.TryGetValue("errors", out var e) ? e as IDictionary<string, string[]> : null;
        return errors is { Count: > 0 }
            ? string.Join(" ", errors.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}")))
            : problem.Detail ?? problem.Title ?? "refused";
    }

    private static string? Bounded(string? name) => name is { Length: > MaxName } ? name[..MaxName] : name;

    [LoggerMessage(EventId = 7321, Level = LogLevel.Error, Message = "The audit trail could not record {Actor}'s refused {Action}: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string actor, string action, string reason);
}
