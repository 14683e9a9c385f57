using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Blueprints;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Access;
using NestedHvDashboard.Web.Tests.Audit;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>
/// bUnit for the blueprint pages: the fake blueprint service, a host directory of hv-a and hv-b (configured, never
/// contacted), a signed-in Operator (<see cref="Auth"/> to be someone else) and a fake clock for the text views' pause.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public abstract class BlueprintContext : IAsyncLifetime
{
    private HostDirectory? _directory;

    internal BunitContext Context { get; } = new();

    internal FakeBlueprintService Blueprints { get; } = new();

    internal FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));

    internal BunitAuthorizationContext Auth { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = "hv-a",
            ["Hosts:0:Address"] = "hv-a.example.test",
            ["Hosts:0:Transport"] = "Ssh",
            ["Hosts:1:Name"] = "hv-b",
            ["Hosts:1:Address"] = "hv-b.example.test",
            ["Hosts:1:Transport"] = "Ssh",
        }).Build();
        _directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance);
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Auth = Context.SignInAs(DashboardRoles.Operator, "olivia");
        Context.AddActorServices();
        Context.Services.AddSingleton<IBlueprintService>(Blueprints);
        Context.Services.AddSingleton<TimeProvider>(Time);
        Context.Services.AddSingleton(_directory);
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        if (_directory is not null)
        {
            await _directory.DisposeAsync();
        }
    }
}
