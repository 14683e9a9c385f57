using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace NestedHvDashboard.Web.Api;

/// <summary>
/// Reads a change route's JSON body itself, so every binding failure (no body, malformed JSON, a field of the wrong
/// type, the wrong content type) is a 400 problem naming the field, not the framework's bare 400 or, in Development,
/// an exception page that echoes the request headers (the bearer token among them).
/// </summary>
public static class ApiRequestBody
{
    /// <summary>The key under which the body read is kept in <see cref="HttpContext.Items"/>, for the refusal's audit entry.</summary>
    public const string ItemKey = "nhv:api-body";

    /// <summary>The body as <typeparamref name="T"/>, or the problem naming what was wrong with it.</summary>
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        // The server knows when a request has no body at all (no length and not chunked, or an HTTP/2 stream ended with its headers).
        if (context.Request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            return (null, Problem("body", $"A JSON body is required: {Shape<T>(json)}."));
        }

        if (!context.Request.HasJsonContentType())
        {
            var sent = context.Request.ContentType is { Length: > 0 } type ? $"'{type}'" : "none";
            return (null, Problem("body", $"The body must be JSON with Content-Type: application/json; the Content-Type was {sent}."));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, json, context.RequestAborted);
            if (body is null)
            {
                return (null, Problem("body", $"A JSON object is required: {Shape<T>(json)}."));
            }

            context.Items[ItemKey] = body;
            return (body, null);
        }
        catch (JsonException ex)
        {
            return (null, ProblemOf<T>(ex, json));
        }
        catch (BadHttpRequestException ex)
        {
            // Over the body size limit (413) or a body cut short: the status the server chose, with its reason.
            return (null, Problem("body", $"The body could not be read: {ex.Message}", ex.StatusCode));
        }
    }

    private static ProblemHttpResult ProblemOf<T>(JsonException ex, JsonSerializerOptions json)
    {
        // The path is "$" for a body that is empty or not an object, "$.enabled" for a field (the name as sent).
        var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {ex.BytePositionInLine + 1})" : "";
        if (field is null)
        {
            return Problem("body", $"The body is not a JSON object{where}: {Shape<T>(json)}.");
        }

        var property = PropertyOf<T>(field, json);
        return property is null
            ? Problem(field, $"'{field}' could not be read{where}: the JSON is malformed there.")
            : Problem(field, $"'{field}' must be {Expected(property.PropertyType)}{where}.");
    }

    private static PropertyInfo? PropertyOf<T>(string field, JsonSerializerOptions json) =>
        typeof(T).GetProperties().FirstOrDefault(p => string.Equals(json.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name, field, StringComparison.OrdinalIgnoreCase));

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(string) => "a string",
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t => $"a JSON value of type {t.Name}",
    };

    private static string Shape<T>(JsonSerializerOptions json) =>
        "{ " + string.Join(", ", typeof(T).GetProperties().Select(p => $"\"{json.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name}\": {Expected(p.PropertyType)}")) + " }";

    // The shape of a validation problem ("errors": { field: [message] }) so a script reads every 400 the same way.
    private static ProblemHttpResult Problem(string field, string message, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(
            message, statusCode: status, title: "The request body is not valid",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
