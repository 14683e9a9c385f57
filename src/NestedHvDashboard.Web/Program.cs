using System.Globalization;
using Microsoft.Extensions.Hosting.WindowsServices;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Api;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Checkpoints;
using NestedHvDashboard.Web.Cluster;
using NestedHvDashboard.Web.Components;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Deployment;
using NestedHvDashboard.Web.Guests;
using NestedHvDashboard.Web.Hardening;
using NestedHvDashboard.Web.Health;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Logging;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Notifications;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Simulator;
using Serilog;

// check-host <host> [...]: the operator's check of a host with the dashboard's own engine; no web host starts.
if (CheckHostVerb.Matches(args))
{
    Environment.ExitCode = await CheckHostVerb.RunAsync(args, Console.Out);
    return;
}

// version: the version this build carries, one line (the install scripts read it from a release before installing it).
if (args is ["version"] or ["--version"])
{
    Console.WriteLine(DashboardVersion.Current);
    return;
}

// export-host-tools --to <folder>: the engine's work as a module of functions, for a host's JEA endpoint.
if (HostToolsVerb.Matches(args))
{
    Environment.ExitCode = HostToolsVerb.Run(args, Console.Out);
    return;
}

// backup --to <folder> / restore --from <folder>: the database and the keys, for the install scripts' upgrade and roll back.
if (BackupVerb.Matches(args))
{
    Environment.ExitCode = await BackupVerb.RunAsync(args, Console.Out);
    return;
}

// The web root is the copy of the repository's top-level wwwroot/ beside the app (see the csproj).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // Started by the Windows Service Control Manager the working directory is System32: appsettings.json is the app's.
    ContentRootPath = WindowsServiceHosting.ContentRootPath(WindowsServiceHelpers.IsWindowsService()),
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
// Under the SCM: start/stop reported to it. Anywhere else a no-op. Before ClearProviders, which drops the unfiltered
// Event Log provider it adds (ours, below, takes warnings only).
builder.Services.AddWindowsService();

// Serilog writes the console and the data folder's logs/; other logger providers (on Windows the Event Log, a test's
// capture) get the same events. Each host keeps its own logger (not the static one), so two apps in one process (tests)
// do not log into each other's providers or files.
builder.Logging.ClearProviders();
builder.Logging.AddWindowsEventLog(OperatingSystem.IsWindows());
// The data folder is needed before the host is built (the log files, the keys): the same options and validation as the app's.
var dataFolder = DataFolder.Of(builder.Configuration);
builder.Services.AddFileLogSettings();
builder.Host.UseSerilog(
    (context, services, logger) => logger
        .ReadFrom.Configuration(context.Configuration)
        .Enrich.FromLogContext()
        .Enrich.With<WallLinkTokenRedaction>()
        .Filter.ByExcluding(CircuitDisposalNoise.IsNoise)
        .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture)
        .WriteTo.DataFolderFiles(dataFolder, services.GetRequiredService<FileLogSettings>()),
    preserveStaticLogger: true,
    writeToProviders: true);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddDashboardAccess(builder.Configuration);
builder.UseDashboardWindowsAuthentication();
builder.Services.AddWallLinks(builder.Configuration);
builder.Services.AddDashboardHardening(builder.Environment);
builder.Services.AddMudServices();
builder.Services.AddSingleton(dataFolder);
builder.Services.AddDashboardDatabase();
builder.Services.AddHostConnections(dataFolder, builder.Configuration);
builder.Services.AddInventoryMonitor();
builder.Services.AddInventoryHub();
builder.Services.AddNestedVirtualizationOperations();
builder.Services.AddBulkNestedSwitch();
builder.Services.AddNestedNetworking();
builder.Services.AddGuestFacts(builder.Configuration);
builder.Services.AddActionNotifications();
builder.Services.AddCheckpoints();
builder.Services.AddBlueprints(builder.Configuration);
builder.Services.AddDashboardApi();
builder.Services.AddDashboardHealth(builder.Configuration);
builder.Services.AddDashboardCluster(builder.Configuration);

var app = builder.Build();

// Every area's settings checked now, each bad one named, before the database is touched (the host would check them only at its start).
app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
// Cluster mode needs its PostgreSQL and its Redis answering now: refused with the reason, before anything starts.
if (await app.Services.CheckClusterAsync() is { } clusterProblem)
{
    app.Services.GetRequiredService<ILogger<Program>>().LogCritical("{Problem}", clusterProblem);
    Environment.ExitCode = 1;
    return;
}

try
{
    await app.Services.InitializeDashboardDatabaseAsync();
}
catch (DatabaseUnusableException unusable)
{
    // One line naming the file and what to do, not a stack trace: the operator has a file to restore, not a bug to report.
    app.Services.GetRequiredService<ILogger<Program>>().LogCritical("{Problem}", unusable.Message);
    Environment.ExitCode = 1;
    return;
}

app.UseDashboardHardening();

// Before routing: with routing first, a matched endpoint makes the static file middleware step aside and the
// fallback policy would send a signed-out browser's stylesheet request to the sign-in page.
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
// Before authorization: a token's refused requests (a Viewer's POSTs, each a Denied row) count against its API limit too.
app.UseRateLimiter();
app.UseAuthorization();
// A user with a password someone else chose reaches nothing but the page that changes it.
app.UseMiddleware<NestedHvDashboard.Web.Access.InitialPasswordGate>();
app.UseAntiforgery();
app.MapStaticAssets().AllowAnonymous();
// Blazor sends its own frame-ancestors policy too: the same sources as ours, so an operator's Hardening:FrameAncestors holds.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = app.Services.GetRequiredService<HardeningSettings>().FrameAncestors);
app.MapAccountEndpoints();
app.MapWallLinkEndpoints();
app.MapInventoryHub();
app.MapAuditEndpoints();
app.MapDashboardHealth();
app.MapSimulatorApi();
app.MapDashboardApi().MapClusterApi();

await app.RunAsync();

/// <summary>The web app's entry point; public so tests can host it.</summary>
public partial class Program;
