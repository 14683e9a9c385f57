using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.NestedSwitching;
namespace NestedHvDashboard.Web.Api;

/// <summary>
/// The REST API at <c>/api/v1</c> for scripts. Only personal access tokens (<c>Authorization: Bearer nhv_…</c>) open it:
/// the sign-in cookie does not, so a page on another site cannot make a signed-in browser call it (no CSRF surface).
/// Every change goes through the same services as the pages, so roles and audit are the same; the audit channel is "API".
/// </summary>
public static partial class ApiEndpoints
{
    /// <summary>The path every route sits under.</summary>
    public const string Path = "/api/v1";

    /// <summary>Where the OpenAPI document is served (anonymous: it describes the routes and holds no data).</summary>
    public const string OpenApiPath = "/openapi/{documentName}.json";

    /// <summary>Viewer and up, by bearer token only.</summary>
    public static AuthorizationPolicy ViewPolicy { get; } =
        new AuthorizationPolicyBuilder(DashboardSchemes.Token).RequireAuthenticatedUser().RequireRole(DashboardRoles.All.ToArray()).Build();

    /// <summary>Operator and up, by bearer token only.</summary>
    public static AuthorizationPolicy OperatePolicy { get; } =
        new AuthorizationPolicyBuilder(DashboardSchemes.Token).RequireAuthenticatedUser().RequireRole(DashboardRoles.Operator, DashboardRoles.Administrator).Build();

    // The body is read by ApiRequestBody, which names what is wrong with any body; "*/*" keeps routing from answering a
    // bare 415 first (the OpenAPI document still shows the JSON shape).
    private const string AnyBody = "*/*";

    private static readonly string[] WhenRunningChoices = ["refuse", "shutDown", "turnOff", "nextShutdown"];

    /// <summary>The operation registry and the OpenAPI document (with the Bearer scheme, only the <c>/api/v1</c> routes).</summary>
    public static IServiceCollection AddDashboardApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiOperations>();
        services.TryAddSingleton(sp =>
        {
            var limits = sp.GetService<IConfiguration>()?.GetSection("Api:RateLimit").Get<ApiRateLimitOptions>() ?? new ApiRateLimitOptions();
            return limits is { PermitsPerToken: >= 1, PermitsPerUser: >= 1 } && limits.Window > TimeSpan.Zero ? limits : throw new InvalidOperationException(
                $"Api:RateLimit:PermitsPerToken and :PermitsPerUser must be at least 1 and :Window longer than 0; they are {limits.PermitsPerToken}, {limits.PermitsPerUser} and {limits.Window}.");
        });
        services.AddRateLimiter(o => o.AddPolicy<string, ApiRateLimit>(ApiRateLimit.PolicyName));
        services.AddOpenApi(o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1", StringComparison.OrdinalIgnoreCase) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "NestedHv Dashboard API";
                document.Info.Description = "Hosts, VMs, readiness and nested virtualization changes. Send a personal access token (create one at /account/tokens) as 'Authorization: Bearer nhv_…'; the sign-in cookie does not open the API.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "nhv_ personal access token",
                    Description = "A personal access token from /account/tokens.",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Maps every <c>/api/v1</c> route and the OpenAPI document.</summary>
    public static RouteGroupBuilder MapDashboardApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi(OpenApiPath).AllowAnonymous();

        var api = app.MapGroup(Path).RequireAuthorization(ViewPolicy).RequireRateLimiting(ApiRateLimit.PolicyName).WithTags("NestedHv");
        api.MapGet("/hosts", ListHosts).WithName("ListHosts").WithSummary("Every host")
            .WithDescription("Each host's connection status (since when, the last error), OS, build, processor vendor and VM counts.");
        api.MapGet("/hosts/{host}", GetHost).WithName("GetHost").WithSummary("One host");
        api.MapGet("/hosts/{host}/vms", ListVms).WithName("ListVms").WithSummary("A host's VMs");
        api.MapGet("/hosts/{host}/vms/{vm}", GetVm).WithName("GetVm").WithSummary("One VM")
            .WithDescription("{vm} is the VM's id (a GUID) or its exact name.");
        api.MapGet("/hosts/{host}/vms/{vm}/readiness", GetReadiness).WithName("GetReadiness").WithSummary("A VM's readiness for nested virtualization")
            .WithDescription("Every readiness rule's answer (pass, warn, fail, unknown) with the reason and the fix.");
        api.MapPost("/hosts/{host}/vms/{vm}/nested", ChangeNestedAsync).RequireAuthorization(OperatePolicy).WithName("ChangeNested")
            .Accepts<NestedChangeRequest>(isOptional: true, "application/json", AnyBody).AddEndpointFilter<ApiRefusalAudit>()
            .WithSummary("Turn nested virtualization on or off (Operator)")
            .WithDescription("Starts the change and answers 202 with the operation and its Location; poll GET /api/v1/operations/{id}. " +
                "A running VM needs whenRunning: shutDown, turnOff or nextShutdown; with refuse (the default) the answer is 409.");
        api.MapPut("/hosts/{host}/vms/{vm}/adapters/mac-spoofing", SetMacSpoofingAllAsync).RequireAuthorization(OperatePolicy).WithName("SetMacSpoofing")
            .Accepts<MacSpoofingRequest>(isOptional: true, "application/json", AnyBody).AddEndpointFilter<ApiRefusalAudit>()
            .WithSummary("MAC address spoofing on every adapter of a VM (Operator)");
        api.MapPut("/hosts/{host}/vms/{vm}/adapters/{adapter}/mac-spoofing", SetMacSpoofingOneAsync).RequireAuthorization(OperatePolicy).WithName("SetAdapterMacSpoofing")
            .Accepts<MacSpoofingRequest>(isOptional: true, "application/json", AnyBody).AddEndpointFilter<ApiRefusalAudit>()
            .WithSummary("MAC address spoofing on one adapter of a VM (Operator)");
        MapPowerApi(api);
        MapFixesApi(api);
        MapBlueprintsApi(api);
        api.MapGet("/operations/{id:guid}", GetOperation).WithName("GetOperation").WithSummary("Where a change started through the API is")
            .WithDescription("Status (running, succeeded, noChange, refused, busy, failed, canceled, deferred), each step with the host's message, and the result's message. The last 500 are kept.");
        api.MapGet("/tokens", ListTokensAsync).WithName("ListTokens").WithSummary("Your personal access tokens (an administrator's: everyone's)");
        api.MapDelete("/tokens/{id:int}", RevokeTokenAsync).WithName("RevokeToken").WithSummary("Revoke a personal access token (your own; an administrator: any)");
        return api;
    }

    private static Ok<List<ApiHost>> ListHosts(IInventoryFeed feed) => TypedResults.Ok(feed.GetSnapshot().Hosts.Select(ApiHost.Of).ToList());

    private static Results<Ok<ApiHost>, ProblemHttpResult> GetHost(string host, IInventoryFeed feed) =>
        FindHost(feed, host) is { } found ? TypedResults.Ok(ApiHost.Of(found)) : HostNotFound(host);

    private static Results<Ok<List<ApiVm>>, ProblemHttpResult> ListVms(string host, IInventoryFeed feed, NestedSwitchService nested) =>
        FindHost(feed, host) is { } found
            ? TypedResults.Ok(found.Vms.Select(v => ApiVm.Of(found.Name, v, PendingOf(nested, found.Name, v.Id))).ToList())
            : HostNotFound(host);

    private static Results<Ok<ApiVm>, ProblemHttpResult> GetVm(string host, string vm, IInventoryFeed feed, NestedSwitchService nested)
    {
        var (found, target, problem) = FindVm(feed, host, vm);
        return problem ?? (Results<Ok<ApiVm>, ProblemHttpResult>)TypedResults.Ok(ApiVm.Of(found!.Name, target!, PendingOf(nested, found.Name, target!.Id)));
    }

    private static Results<Ok<ApiReadiness>, ProblemHttpResult> GetReadiness(string host, string vm, IInventoryFeed feed, Guests.GuestFactsStore guestFacts)
    {
        var (found, target, problem) = FindVm(feed, host, vm);
        if (problem is not null)
        {
            return problem;
        }

        if (found!.Facts is not { } facts)
        {
            return TypedResults.Problem(
                $"Host '{found.Name}' has not answered yet, so the readiness of VM '{target!.Name}' cannot be judged; try again once the host is connected.",
                statusCode: StatusCodes.Status409Conflict, title: "Host facts not known yet");
        }

        // With what the last read of the guest found, as the VM page shows it.
        var vmChecks = ReadinessEvaluator.EvaluateVmWithGuest(facts, target!, guestFacts.Find(found.Name, target!.Id));
        return TypedResults.Ok(new ApiReadiness(
            found.Name, target!.Id, target.Name, !ReadinessEvaluator.BlockingFailures(vmChecks).Any(),
            [.. ReadinessEvaluator.EvaluateHost(facts).Select(ApiCheck.Of)], [.. vmChecks.Select(ApiCheck.Of)]));
    }

    private static async Task<Results<Accepted<ApiOperation>, ValidationProblem, ProblemHttpResult>> ChangeNestedAsync(
        string host, string vm, HttpContext context, IInventoryFeed feed, NestedSwitchService nested, ApiOperations operations,
        ILoggerFactory loggers)
    {
        var (body, unreadable) = await ApiRequestBody.ReadAsync<NestedChangeRequest>(context);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (body?.Enabled is not { } enable)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["enabled"] = ["Required: true to turn nested virtualization on, false to turn it off."],
            });
        }

        var whenRunning = body.WhenRunning ?? "refuse";
        var choice = WhenRunningChoices.FirstOrDefault(c => string.Equals(c, whenRunning, StringComparison.OrdinalIgnoreCase));
        if (choice is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["whenRunning"] = [$"'{whenRunning}' is not a choice; use one of {string.Join(", ", WhenRunningChoices)}."],
            });
        }

        var (found, target, problem) = FindVm(feed, host, vm);
        if (problem is not null)
        {
            return problem;
        }

        var hostName = found!.Name;
        var actor = Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress);
        var mac = body.MacAddressSpoofing ?? false;
        var dynamicMemoryOff = body.DisableDynamicMemory ?? false;
        var power = PowerAction.None;
        if (target!.State is VmState.Running)
        {
            switch (choice)
            {
                case "refuse":
                    return TypedResults.Problem(
                        $"VM '{target.Name}' on host '{hostName}' is Running; nested virtualization can be changed only while it is Off. " +
                        "Send whenRunning: \"shutDown\" (graceful), \"turnOff\" (hard power off) or \"nextShutdown\" (apply the next time it is Off). Nothing was changed.",
                        statusCode: StatusCodes.Status409Conflict, title: "The VM is running");
                case "nextShutdown":
                    return await DeferAsync(actor, hostName, target, enable, mac, dynamicMemoryOff, nested, operations);
                default:
                    power = choice == "shutDown" ? PowerAction.ShutDown : PowerAction.TurnOff;
                    break;
            }
        }

        var (id, log) = operations.Start(hostName, target.Id, target.Name, enable ? "Enable nested" : "Disable nested", actor.Name);
        var logger = loggers.CreateLogger(typeof(ApiEndpoints));

        // The change outlives the request: a script gets 202 at once and polls the operation.
        _ = Task.Run(async () =>
        {
            try
            {
                operations.Complete(id, await nested.RunAsync(actor, target, new NestedVirtualizationRequest(hostName, target.Id, enable, power, mac, dynamicMemoryOff), log, id));
            }
            catch (Exception ex)
            {
                LogCrashed(logger, ex, id, hostName, target.Name);
                operations.Finish(id, "failed", $"Changing nested virtualization on VM '{target.Name}' on host '{hostName}' could not be run: {ex.Message}");
            }
        });
        return TypedResults.Accepted(OperationLocation(id), operations.Find(id));
    }

    private static async Task<Results<Accepted<ApiOperation>, ValidationProblem, ProblemHttpResult>> DeferAsync(
        Actor actor, string hostName, VmSnapshot vm, bool enable, bool mac, bool dynamicMemoryOff, NestedSwitchService nested, ApiOperations operations)
    {
        var action = (enable ? "Enable nested" : "Disable nested") + " at next shutdown";
        var (id, _) = operations.Start(hostName, vm.Id, vm.Name, action, actor.Name);
        var deferred = await nested.DeferAsync(actor, hostName, vm, enable, mac, dynamicMemoryOff);
        operations.Finish(id, deferred.Outcome is OperationOutcome.Deferred ? "deferred" : "refused", deferred.Message);
        return TypedResults.Accepted(OperationLocation(id), operations.Find(id));
    }

    private static Task<Results<Ok<ApiVm>, ValidationProblem, ProblemHttpResult>> SetMacSpoofingAllAsync(
        string host, string vm, HttpContext context, IInventoryFeed feed, MacSpoofingService macSpoofing, NestedSwitchService nested) =>
        SetMacSpoofingAsync(host, vm, null, context, feed, macSpoofing, nested);

    private static Task<Results<Ok<ApiVm>, ValidationProblem, ProblemHttpResult>> SetMacSpoofingOneAsync(
        string host, string vm, string adapter, HttpContext context, IInventoryFeed feed, MacSpoofingService macSpoofing, NestedSwitchService nested) =>
        SetMacSpoofingAsync(host, vm, adapter, context, feed, macSpoofing, nested);

    private static async Task<Results<Ok<ApiVm>, ValidationProblem, ProblemHttpResult>> SetMacSpoofingAsync(
        string host, string vm, string? adapter, HttpContext context, IInventoryFeed feed, MacSpoofingService macSpoofing, NestedSwitchService nested)
    {
        var (body, unreadable) = await ApiRequestBody.ReadAsync<MacSpoofingRequest>(context);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (body?.Enabled is not { } enabled)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["enabled"] = ["Required: true for MAC address spoofing On, false for Off."] });
        }

        var (found, target, problem) = FindVm(feed, host, vm);
        if (problem is not null)
        {
            return problem;
        }

        if (adapter is not null && !target!.NetworkAdapters.Any(a => string.Equals(a.Name, adapter, StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Problem(
                $"VM '{target.Name}' on host '{found!.Name}' has no network adapter named '{adapter}'; it has {string.Join(", ", target.NetworkAdapters.Select(a => $"'{a.Name}'"))}.",
                statusCode: StatusCodes.Status404NotFound, title: "Adapter not found");
        }

        var actor = Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress);
        var result = await macSpoofing.SetAsync(actor, found!.Name, target!, adapter, enabled, context.RequestAborted);
        if (!result.Succeeded || result.Vm is not { } after)
        {
            return TypedResults.Problem(
                result.HostMessage is { } said ? $"{result.Message} The host said: {said}" : result.Message,
                statusCode: !actor.CanOperate ? StatusCodes.Status403Forbidden : result.Outcome == OperationOutcome.Busy ? StatusCodes.Status409Conflict : StatusCodes.Status502BadGateway,
                title: "MAC address spoofing was not changed");
        }

        return TypedResults.Ok(ApiVm.Of(found.Name, after, PendingOf(nested, found.Name, after.Id)));
    }

    private static Results<Ok<ApiOperation>, ProblemHttpResult> GetOperation(Guid id, ApiOperations operations) =>
        operations.Find(id) is { } operation
            ? TypedResults.Ok(operation)
            : TypedResults.Problem($"There is no operation {id}: it never existed, or it is older than the last {ApiOperations.Capacity} kept since the dashboard started.",
                statusCode: StatusCodes.Status404NotFound, title: "Operation not found");

    private static async Task<Ok<IReadOnlyList<ApiTokenInfo>>> ListTokensAsync(HttpContext context, ApiTokens tokens) =>
        TypedResults.Ok(await tokens.ListAsync(Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress), context.RequestAborted));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(int id, HttpContext context, ApiTokens tokens)
    {
        var (revoked, error) = await tokens.RevokeAsync(Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress), id, context.RequestAborted);
        return revoked ? TypedResults.NoContent() : TypedResults.Problem(error, statusCode: StatusCodes.Status404NotFound, title: "Token not revoked");
    }

    private static HostInventoryState? FindHost(IInventoryFeed feed, string host) => feed.GetSnapshot().Find(host);

    /// <summary>The host and the VM named by id or exact name; or the 404 (or 409 for a name several VMs share) naming them.</summary>
    private static (HostInventoryState? Host, VmSnapshot? Vm, ProblemHttpResult? Problem) FindVm(IInventoryFeed feed, string host, string vm)
    {
        if (FindHost(feed, host) is not { } found)
        {
            return (null, null, HostNotFound(host));
        }

        var matches = Guid.TryParse(vm, out var id)
            ? found.Vms.Where(v => v.Id == id).ToList()
            : found.Vms.Where(v => string.Equals(v.Name, vm, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => (found, matches[0], null),
            0 => (found, null, TypedResults.Problem($"Host '{found.Name}' has no VM with the id or name '{vm}'.", statusCode: StatusCodes.Status404NotFound, title: "VM not found")),
            _ => (found, null, TypedResults.Problem(
                $"Host '{found.Name}' has {matches.Count} VMs named '{vm}'; name the one you mean by its id ({string.Join(", ", matches.Select(m => m.Id))}).",
                statusCode: StatusCodes.Status409Conflict, title: "VM name is ambiguous")),
        };
    }

    private static ProblemHttpResult HostNotFound(string host) =>
        TypedResults.Problem($"The dashboard has no host named '{host}'.", statusCode: StatusCodes.Status404NotFound, title: "Host not found");

    private static ApiPendingChange? PendingOf(NestedSwitchService nested, string host, Guid vmId) =>
        nested.FindPending(host, vmId) is { } p ? new ApiPendingChange(p.Enable, p.EnableMacAddressSpoofing, p.DisableDynamicMemory, p.RequestedAt) : null;

    private static string OperationLocation(Guid id) => $"{Path}/operations/{id}";

    [LoggerMessage(EventId = 7320, Level = LogLevel.Error, Message = "API operation {OperationId} on host {Host} VM {VmName} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception, Guid operationId, string host, string vmName);
}
