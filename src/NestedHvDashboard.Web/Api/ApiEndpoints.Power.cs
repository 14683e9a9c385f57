using Microsoft.AspNetCore.Http.HttpResults;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Power;

namespace NestedHvDashboard.Web.Api;

/// <summary>Ask for a power action on a VM.</summary>
/// <param name="Action">Required: start, shutDown, turnOff, save, pause, resume, restart (graceful: shut down, then start), reset (hard) or deleteSavedState.</param>
public sealed record PowerRequest(string? Action);

/// <summary>The VM power route: the same <see cref="VmPowerService"/>, roles and audit as the VM page's power bar.</summary>
public static partial class ApiEndpoints
{
    private static readonly string[] PowerChoices = [.. VmPowerActions.All.Select(a => char.ToLowerInvariant(a.ToString()[0]) + a.ToString()[1..])];

    /// <summary>Maps POST <c>/hosts/{host}/vms/{vm}/power</c>.</summary>
    private static void MapPowerApi(RouteGroupBuilder api) =>
        api.MapPost("/hosts/{host}/vms/{vm}/power", ChangePowerAsync).RequireAuthorization(OperatePolicy).WithName("ChangePower")
            .Accepts<PowerRequest>(isOptional: true, "application/json", AnyBody).AddEndpointFilter<ApiRefusalAudit>()
            .WithSummary("Start, shut down, turn off, save, pause, resume, restart or reset a VM, or delete its saved state (Operator)")
            .WithDescription("Starts the action and answers 202 with the operation and its Location; poll GET /api/v1/operations/{id}. " +
                "An action the VM's state does not allow (resume on a running VM, say) is 409 with the reason.");

    private static async Task<Results<Accepted<ApiOperation>, ValidationProblem, ProblemHttpResult>> ChangePowerAsync(
        string host, string vm, HttpContext context, IInventoryFeed feed, VmPowerService power, ApiOperations operations, ILoggerFactory loggers)
    {
        var (body, unreadable) = await ApiRequestBody.ReadAsync<PowerRequest>(context);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var name = body?.Action;
        var index = name is null ? -1 : Array.FindIndex(PowerChoices, c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["action"] = [$"{(name is null ? "Required" : $"'{name}' is not an action")}: use one of {string.Join(", ", PowerChoices)}."],
            });
        }

        var action = VmPowerActions.All[index];
        var (found, target, problem) = FindVm(feed, host, vm);
        if (problem is not null)
        {
            return problem;
        }

        var hostName = found!.Name;
        if (VmPowerActions.WhyNot(action, target!.State) is { } why)
        {
            return TypedResults.Problem($"{VmPowerActions.Doing(action)} VM '{target.Name}' on host '{hostName}' is not possible: {why} Nothing was changed.",
                statusCode: StatusCodes.Status409Conflict, title: "Not in this state");
        }

        var actor = Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress);
        var (id, log) = operations.Start(hostName, target.Id, target.Name, VmPowerService.ActionName(action), actor.Name);
        var logger = loggers.CreateLogger(typeof(ApiEndpoints));

        // The action outlives the request (a graceful shutdown takes minutes): a script gets 202 at once and polls the operation.
        _ = Task.Run(async () =>
        {
            try
            {
                operations.Complete(id, await power.RunAsync(actor, hostName, target, action, log, id));
            }
            catch (Exception ex)
            {
                LogCrashed(logger, ex, id, hostName, target.Name);
                operations.Finish(id, "failed", $"{VmPowerActions.Doing(action)} VM '{target.Name}' on host '{hostName}' could not be run: {ex.Message}");
            }
        });
        return TypedResults.Accepted(OperationLocation(id), operations.Find(id));
    }
}
