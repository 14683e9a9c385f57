using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace NestedHvDashboard.Web.Tests.Api;

/// <summary>The OpenAPI document: anonymous, every /api/v1 route the app maps, and the Bearer scheme.</summary>
public sealed class OpenApiDocumentTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task The_document_lists_every_api_route_with_the_bearer_scheme()
    {
        using var client = api.Client(null);
        using var response = await client.GetAsync(new Uri("openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        var mapped = api.Server.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Select(m => (
                Path: System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!, ":[a-z]+}", "}"), Method: m.ToLowerInvariant())))
            .ToList();
        Assert.Equal(22, mapped.Count); // with POST …/power, POST …/fixes/{ruleId}, the eight /blueprints routes and GET /cluster
        foreach (var (path, method) in mapped)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not in the document");
            Assert.True(operation.TryGetProperty("summary", out _), $"{method} {path} has no summary");
        }

        Assert.DoesNotContain(paths.EnumerateObject(), p => !p.Name.StartsWith("/api/v1/", StringComparison.Ordinal));
        var bearer = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.True(document.RootElement.GetProperty("security")[0].TryGetProperty("Bearer", out _));
    }
}
