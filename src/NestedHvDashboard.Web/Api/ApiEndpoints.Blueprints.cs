using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Blueprints;

namespace NestedHvDashboard.Web.Api;

/// <summary>A guest account for apply (never logged, audited or kept unless the runner is asked to remember it).</summary>
/// <param name="UserName">The guest administrator's user name.</param>
/// <param name="Password">Its password.</param>
public sealed record ApiGuestAccount(string? UserName, string? Password)
{
    /// <inheritdoc />
    public override string ToString() => $"ApiGuestAccount {{ UserName = {UserName}, Password = *** }}";
}

/// <summary>Apply a blueprint: the L1 guests' administrator account, and the L2 guests' when it differs.</summary>
/// <param name="L1Guests">Required: the account the L1 guests are signed in to over PowerShell Direct.</param>
/// <param name="L2Guests">The L2 guests' account; left out, the L1s'.</param>
public sealed record ApiBlueprintApply(ApiGuestAccount? L1Guests, ApiGuestAccount? L2Guests);

/// <summary>A blueprint's drift and its L1 guests' checks (when each was read, or why not).</summary>
public sealed record ApiBlueprintDrift(IReadOnlyList<BlueprintDrift> Drift, IReadOnlyList<BlueprintDriftCheck> Checks);

/// <summary>The outcome of a save, delete or apply.</summary>
public sealed record ApiBlueprintChange(string Message);

/// <summary>Lab blueprints over the REST API: the same <see cref="IBlueprintService"/>, roles and audit as the pages.</summary>
public static partial class ApiEndpoints
{
    /// <summary>The largest blueprint file a PUT takes (1 MB).</summary>
    public const int MaxBlueprintBytes = 1024 * 1024;

    /// <summary>Enums by name, as the hub writes them.</summary>
    private static readonly JsonSerializerOptions BlueprintJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Maps the <c>/blueprints</c> routes.</summary>
    private static void MapBlueprintsApi(RouteGroupBuilder api)
    {
        api.MapGet("/blueprints", ListBlueprintsAsync).WithName("ListBlueprints").WithSummary("Every stored lab blueprint")
            .WithDescription("Name, description, L1 and L2 counts, who saved it when, the last run's state and the drift count.");
        api.MapGet("/blueprints/{name}", GetBlueprintAsync).WithName("GetBlueprint").WithSummary("One blueprint: the model, or the file with ?format=yaml|json");
        api.MapPut("/blueprints/{name}", PutBlueprintAsync).RequireAuthorization(OperatePolicy).WithName("PutBlueprint")
            .Accepts<string>(AnyBody).WithSummary("Import (add or replace) a blueprint from its YAML or JSON file (Operator)")
            .WithDescription("The body is the file. Every problem is answered as 400 with its path and line in 'errors'; the name in the file must be {name}.");
        api.MapDelete("/blueprints/{name}", DeleteBlueprintAsync).RequireAuthorization(OperatePolicy).WithName("DeleteBlueprint")
            .WithSummary("Delete a blueprint and its runs; the lab it built is left as it is (Operator)");
        api.MapPost("/blueprints/{name}/review", ReviewBlueprintAsync).WithName("ReviewBlueprint")
            .WithSummary("Check a stored blueprint against the hosts as they are: its problems and every step with its exact commands");
        api.MapPost("/blueprints/{name}/apply", ApplyBlueprintAsync).RequireAuthorization(OperatePolicy).WithName("ApplyBlueprint")
            .Accepts<ApiBlueprintApply>(isOptional: true, "application/json", AnyBody)
            .WithSummary("Apply (or resume) a blueprint in the background (Operator)")
            .WithDescription("Answers 202 with the run's Location; follow GET /api/v1/blueprints/{name}/run. The guest credentials are used for the run only: never logged or audited. " +
                "Refused with 409 while a run is going or when the review has problems (listed in 'errors').");
        api.MapGet("/blueprints/{name}/run", GetBlueprintRun).WithName("GetBlueprintRun").WithSummary("A blueprint's last run, each step with its state and message");
        api.MapGet("/blueprints/{name}/drift", GetBlueprintDriftAsync).WithName("GetBlueprintDrift")
            .WithSummary("How the lab differs from an applied blueprint now, and when each L1 guest was last checked");
    }

    private static async Task<JsonHttpResult<IReadOnlyList<BlueprintSummary>>> ListBlueprintsAsync(IBlueprintService blueprints, CancellationToken cancellationToken) =>
        TypedResults.Json(await blueprints.ListAsync(cancellationToken), BlueprintJson);

    private static async Task<Results<JsonHttpResult<Blueprint>, ContentHttpResult, ProblemHttpResult>> GetBlueprintAsync(
        string name, string? format, HttpContext context, IBlueprintService blueprints, CancellationToken cancellationToken)
    {
        if (await blueprints.GetAsync(name, cancellationToken) is not { } blueprint)
        {
            return BlueprintNotFound(name);
        }

        switch (format?.ToLowerInvariant())
        {
            case null or "":
                return TypedResults.Json(blueprint, BlueprintJson);
            case "yaml" or "yml" or "json":
                var json = format.Equals("json", StringComparison.OrdinalIgnoreCase);
                var file = $"{string.Concat(blueprint.Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-'))}.{(json ? "json" : "yaml")}";
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
                return TypedResults.Text(blueprints.Export(blueprint, json ? BlueprintFormat.Json : BlueprintFormat.Yaml), json ? "application/json" : "application/yaml", Encoding.UTF8);
            default:
                return TypedResults.Problem($"'{format}' is not a format: use yaml or json, or leave format out for the model.",
                    statusCode: StatusCodes.Status400BadRequest, title: "Unknown format");
        }
    }

    private static async Task<Results<Ok<ApiBlueprintChange>, ProblemHttpResult>> PutBlueprintAsync(
        string name, HttpContext context, IBlueprintService blueprints, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var actor = Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress);
        var (text, unreadable) = await ReadTextAsync(context, cancellationToken);
        var parsed = text is null ? null : blueprints.Parse(text);
        var problems = parsed?.Problems ?? [];
        var refusal = unreadable
            ?? (parsed?.Blueprint is null ? $"Blueprint '{name}' was not imported: the file has {problems.Count} problem(s)."
                : !string.Equals(parsed.Blueprint.Name.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)
                    ? $"The file's name is '{parsed.Blueprint.Name}' but the URL's is '{name}'; they must be the same (rename it in the file or the URL)."
                    : null);
        if (refusal is not null)
        {
            // Refused before the service saw it: recorded here, so the trail holds every attempt (with its size, never its text).
            await audit.RecordAsync(new AuditStart(actor, BlueprintService.SaveAction, null, null, null, new { Name = name, Bytes = text?.Length }),
                new AuditCompletion(AuditResults.Refused, $"{refusal} {string.Join(" ", problems.Take(5))}".Trim()), cancellationToken);
            return BlueprintProblem(refusal, problems, StatusCodes.Status400BadRequest, "The blueprint is not valid");
        }

        var saved = await blueprints.SaveAsync(actor, parsed!.Blueprint! with { Name = name.Trim() }, cancellationToken);
        return saved.Succeeded
            ? TypedResults.Ok(new ApiBlueprintChange(saved.Message))
            : saved.Problems.Count > 0 ? BlueprintProblem(saved.Message, problems.Count > 0 ? problems : saved.Problems, StatusCodes.Status400BadRequest, "The blueprint is not valid")
            : BlueprintProblem(saved.Message, [], StatusCodes.Status409Conflict, "Not saved");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteBlueprintAsync(string name, HttpContext context, IBlueprintService blueprints, CancellationToken cancellationToken)
    {
        var exists = await blueprints.GetAsync(name, cancellationToken) is not null;
        var actor = Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress);
        var deleted = await blueprints.DeleteAsync(actor, name, cancellationToken);
        return deleted.Succeeded ? TypedResults.NoContent()
            : TypedResults.Problem(deleted.Message, statusCode: exists ? StatusCodes.Status409Conflict : StatusCodes.Status404NotFound, title: exists ? "Not deleted" : "Blueprint not found");
    }

    private static async Task<Results<JsonHttpResult<BlueprintReview>, ProblemHttpResult>> ReviewBlueprintAsync(string name, IBlueprintService blueprints, CancellationToken cancellationToken) =>
        await blueprints.GetAsync(name, cancellationToken) is { } blueprint
            ? TypedResults.Json(await blueprints.ReviewAsync(blueprint, cancellationToken), BlueprintJson)
            : BlueprintNotFound(name);

    private static async Task<Results<Accepted<ApiBlueprintChange>, ProblemHttpResult>> ApplyBlueprintAsync(
        string name, HttpContext context, IBlueprintService blueprints, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var actor = Actor.From(context.User, Channels.Api, context.Connection.RemoteIpAddress);

        // Read here, not with ApiRequestBody: that keeps the body for the refusal's audit entry, and this one holds passwords.
        ApiBlueprintApply? body = null;
        string? unreadable;
        try
        {
            body = context.Request.HasJsonContentType() ? await JsonSerializer.DeserializeAsync<ApiBlueprintApply>(context.Request.Body, BlueprintJson, cancellationToken) : null;
            unreadable = body is null ? "The body must be JSON (Content-Type: application/json): { \"l1Guests\": { \"userName\": …, \"password\": … }, \"l2Guests\": … (optional) }." : null;
        }
        catch (JsonException ex)
        {
            unreadable = $"The body could not be read as JSON{(ex.LineNumber is { } line ? $" (line {line + 1})" : "")}: {{ \"l1Guests\": {{ \"userName\": …, \"password\": … }}, \"l2Guests\": … (optional) }}.";
        }

        unreadable ??= Account(body!.L1Guests) is null ? "l1Guests with userName and password is required: the L1 guests' administrator account."
            : body.L2Guests is not null && Account(body.L2Guests) is null ? "l2Guests needs both userName and password (or leave it out to use the L1 guests' account)."
            : null;
        if (unreadable is not null)
        {
            await audit.RecordAsync(new AuditStart(actor, BlueprintService.ApplyAction, null, null, null, new { Name = name }),
                new AuditCompletion(AuditResults.Refused, $"{unreadable} Nothing ran."), cancellationToken);
            return BlueprintProblem(unreadable, [], StatusCodes.Status400BadRequest, "The request body is not valid");
        }

        if (await blueprints.GetAsync(name, cancellationToken) is null)
        {
            return BlueprintNotFound(name);
        }

        var result = await blueprints.ApplyAsync(actor, name, new BlueprintCredentials(Account(body!.L1Guests)!, Account(body.L2Guests)), cancellationToken);
        return result.Succeeded
            ? TypedResults.Accepted($"{Path}/blueprints/{Uri.EscapeDataString(name)}/run", new ApiBlueprintChange(result.Message))
            : BlueprintProblem(result.Message, result.Problems, StatusCodes.Status409Conflict, "Not applied");
    }

    private static Results<JsonHttpResult<BlueprintRun>, ProblemHttpResult> GetBlueprintRun(string name, IBlueprintService blueprints) =>
        blueprints.LastRun(name) is { } run
            ? TypedResults.Json(run, BlueprintJson)
            : TypedResults.Problem($"Blueprint '{name}' has no run: it was never applied (or there is no such blueprint).", statusCode: StatusCodes.Status404NotFound, title: "No run");

    private static async Task<Results<JsonHttpResult<ApiBlueprintDrift>, ProblemHttpResult>> GetBlueprintDriftAsync(string name, IBlueprintService blueprints, CancellationToken cancellationToken) =>
        await blueprints.GetAsync(name, cancellationToken) is { } blueprint
            ? TypedResults.Json(new ApiBlueprintDrift(blueprints.Drift(blueprint.Name), blueprints.DriftChecks(blueprint.Name)), BlueprintJson)
            : BlueprintNotFound(name);

    private static GuestCredential? Account(ApiGuestAccount? account) =>
        account is { UserName: { Length: > 0 } user, Password: { Length: > 0 } password } && !string.IsNullOrWhiteSpace(user) ? new GuestCredential(user.Trim(), password) : null;

    private static async Task<(string? Text, string? Problem)> ReadTextAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBlueprintBytes)
            {
                return (null, $"The file is larger than {MaxBlueprintBytes / 1024} KB; a blueprint is much smaller.");
            }
        }

        return buffer.Length == 0 ? (null, "The body is empty: send the blueprint's YAML or JSON file.") : (Encoding.UTF8.GetString(buffer.ToArray()), null);
    }

    private static ProblemHttpResult BlueprintNotFound(string name) =>
        TypedResults.Problem($"There is no blueprint named '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Blueprint not found");

    // The shape of a validation problem ("errors": { path: [message (line N)] }) so a script reads every refusal the same way.
    private static ProblemHttpResult BlueprintProblem(string detail, IReadOnlyList<BlueprintProblem> problems, int status, string title) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: problems.Count == 0 ? null : new Dictionary<string, object?>
        {
            ["errors"] = problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Line is { } line ? $"{p.Message} (line {line})" : p.Message).ToArray()),
        });
}
