using System.Globalization;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.Simulator;
using NestedHvDashboard.Web.Storage;
using Serilog;

// The web root is the copy of the repository's top-level wwwroot/ beside the app (see the csproj).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});

// Serilog writes the console; other logger providers (a test's capture, say) get the same events.
builder.Logging.ClearProviders();
builder.Host.UseSerilog(
    (context, logger) => logger
        .ReadFrom.Configuration(context.Configuration)
        .Enrich.FromLogContext()
        .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture),
    writeToProviders: true);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddDashboardAccess(builder.Configuration);
builder.Services.AddMudServices();
var dataFolder = DataFolder.FromConfiguration(builder.Configuration);
builder.Services.AddSingleton(dataFolder);
builder.Services.AddDashboardDatabase(DatabaseSettings.FromConfiguration(builder.Configuration, dataFolder));
builder.Services.AddHostConnections(dataFolder, builder.Configuration);
builder.Services.AddInventoryMonitor();
builder.Services.AddInventoryHub();
builder.Services.AddNestedVirtualizationOperations();
builder.Services.AddBulkNestedSwitch();
builder.Services.AddNestedNetworking();

var app = builder.Build();
await app.Services.InitializeDashboardDatabaseAsync();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();
app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAccountEndpoints();
app.MapInventoryHub();
app.MapAuditEndpoints();
app.MapGet("/healthz", () => "ok").AllowAnonymous();
app.MapSimulatorApi();

await app.RunAsync();

/// <summary>The web app's entry point; public so tests can host it.</summary>
public partial class Program;
