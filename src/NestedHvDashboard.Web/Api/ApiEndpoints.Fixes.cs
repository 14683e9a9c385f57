using Microsoft.AspNetCore.Http.HttpResults;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Fixes;

namespace NestedHvDashboard.Web.Api;

/// <summary>Ask for a readiness fix on a VM.</summary>
/// <param name="WhenRunning">For a running VM: shutDown or turnOff (stopped first, started again after); refuse (the default) answers 409.</param>
public sealed record FixRequest(string? WhenRunning);

/// <summary>The readiness fix route: the same <see cref="VmFixService"/>, roles and audit as the readiness list's fix buttons.</summary>
public static partial class ApiEndpoints
{
    private static readonly string[] FixRules = [.. VmFixes.All.Select(VmFixes.RuleId)];
    private static readonly string[] FixWhenRunningChoices = ["refuse", "shutDown", "turnOff"];

    /// <summary>Maps POST <c>/hosts/{host}/vms/{vm}/fixes/{ruleId}</c>.</summary>
    private static void MapFixesApi(RouteGroupBuilder api) =>
        api.MapPost("/hosts/{host}/vms/{vm}/fixes/{ruleId}", FixAsync).RequireAuthorization(OperatePolicy).WithName("FixReadiness")
            .Accepts<FixRequest>(isOptional: true, "application/json", AnyBody).AddEndpointFilter<ApiRefusalAudit>()
            .WithSummary("Make a readiness check's fix: vm.config-version, vm.startup-memory, vm.dynamic-memory or vm.l1-vcpus (Operator)")
            .WithDescription("Starts the change and answers 202 with the operation and its Location; poll GET /api/v1/operations/{id}. " +
                "A check that passes or whose fix would not help (an upgrade the host's default version does not make pass) is 409; " +
                "a running VM needs whenRunning: shutDown or turnOff, else 409. Update-VMVersion cannot be undone.");

    private static async Task<Results<Accepted<ApiOperation>, ValidationProblem, ProblemHttpResult>> FixAsync(
        string host, string vm, string ruleId, HttpContext context, IInventoryFeed feed, VmFixService fixes, ApiOperations operations, ILoggerFactory loggers)
    {
        var (body, unreadable) = await ApiRequestBody.ReadAsync<FixRequest>(context);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var when = Array.FindIndex(FixWhenRunningChoices, c => string.Equals(c, body?.WhenRunning ?? "refuse", StringComparison.OrdinalIgnoreCase));
        if (VmFixes.ForRule(ruleId) is not { } fix || when < 0)
        {
            var errors = new Dictionary<string, string[]>();
            if (VmFixes.ForRule(ruleId) is null)
            {
                errors["ruleId"] = [$"'{ruleId}' has no fix the dashboard makes: use one of {string.Join(", ", FixRules)}."];
            }

            if (when < 0)
            {
                errors["whenRunning"] = [$"'{body?.WhenRunning}' is not a choice: use one of {string.Join(", ", FixWhenRunningChoices)}."];
            }

            return TypedResults.ValidationProblem(errors);
        }

        var (found, target, problem) = FindVm(feed, host, vm);
        if (problem is not null)
        {
            return problem;
        }

        var hostName = found!.Name;
        var check = found.Facts is { } facts ? ReadinessEvaluator.EvaluateVm(facts, target!).FirstOrDefault(c => c.RuleId == ruleId) : null;
        if (check is null || VmFixes.Offered(check, target!, found.Facts) is null)
        {
            var why = check is null ? $"host '{hostName}' has not answered yet, so the check cannot be judged"
                : check.Status is ReadinessStatus.Pass ? "the check passes"
                : VmFixes.AlreadyDone(fix, target!, found.Facts) ?? "the host's default configuration version would not make the check pass (see the check's fix)";
            return TypedResults.Problem($"{VmFixes.Title(fix)} on VM '{target!.Name}' on host '{hostName}' is not offered: {why}. Nothing was changed.",
                statusCode: StatusCodes.Status409Conflict, title: "Nothing to fix");
        }

        StopMode? stopFirst = when switch { 1 => StopMode.ShutDown, 2 => StopMode.TurnOff, _ => null };
        if (VmFixes.WhyNot(target!.State, stopFirst is not null) is { } refused)
        {
            return TypedResults.Problem($"{VmFixes.Title(fix)} on VM '{target.Name}' on host '{hostName}' is not possible: {refused} Nothing was changed.",
                statusCode: StatusCodes.Status409Conflict, title: "Not in this state");
        }

        var actor = Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress);
        var (id, log) = operations.Start(hostName, target.Id, target.Name, VmFixes.Title(fix), actor.Name);
        var logger = loggers.CreateLogger(typeof(ApiEndpoints));

        // The fix outlives the request (a shutdown first takes minutes): a script gets 202 at once and polls the operation.
        _ = Task.Run(async () =>
        {
            try
            {
                operations.Complete(id, await fixes.RunAsync(actor, hostName, target, fix, stopFirst, log, id));
            }
            catch (Exception ex)
            {
                LogCrashed(logger, ex, id, hostName, target.Name);
                operations.Finish(id, "failed", $"{VmFixes.Title(fix)} on VM '{target.Name}' on host '{hostName}' could not be run: {ex.Message}");
            }
        });
        return TypedResults.Accepted(OperationLocation(id), operations.Find(id));
    }
}
