using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Inventory;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Inventory;

/// <summary>The hub on Kestrel on a free loopback port, over a store the test drives, and the .NET client that reads it.</summary>
public abstract class InventoryHubTestBase : IAsyncLifetime
{
    /// <summary>How many streams one connection may hold in these tests.</summary>
    protected const int MaxStreams = 3;

    /// <summary>How long a test waits for the next item.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private WebApplication? _app;
    private Uri? _hubUrl;

    /// <summary>The store behind the hub's feed.</summary>
    protected InventoryStore Store { get; } = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20), MetricsInterval = TimeSpan.FromMilliseconds(200) });

    /// <summary>The server's services.</summary>
    protected IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["Inventory:Hub:MaxStreamsPerConnection"] = MaxStreams.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Services.AddSingleton<IInventoryFeed>(Store);
        builder.Services.AddInventoryHub();
        HeaderAuthentication.AddTo(builder.Services);
        _app = builder.Build();
        _app.MapInventoryHub();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _hubUrl = new Uri(new Uri(address), InventoryHub.Path);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A connection with the hub's own protocol settings; a Viewer unless the test says who (empty: anonymous).</summary>
    protected async Task<HubConnection> ConnectAsync(bool messagePack, IReadOnlyDictionary<string, string>? who = null)
    {
        who ??= HeaderAuthentication.As("viewer", DashboardRoles.Viewer);
        var builder = new HubConnectionBuilder().WithUrl(_hubUrl!, o =>
        {
            foreach (var (name, value) in who)
            {
                o.Headers[name] = value;
            }
        }).AddJsonProtocol(InventoryHubProtocols.Json);
        if (messagePack)
        {
            builder.AddMessagePackProtocol(InventoryHubProtocols.MessagePack);
        }

        var connection = builder.Build();
        await connection.StartAsync();
        return connection;
    }

    protected static HostFacts Facts(string host) => new(
        host, "Microsoft Windows Server 2025 Datacenter", "10.0.26100", 26100, true, ProcessorVendor.Amd, "AuthenticAMD",
        "AMD EPYC 9654", 192, 512L << 30, true, [new Version(9, 3), new Version(12, 0)], new Version(12, 0), false, null);

    protected static VmSnapshot Vm(Guid id, string name, int cpu = 0, bool spoofing = false) => new(
        id, name, VmState.Running, TimeSpan.FromMinutes(90), cpu, 8L << 30, false, 8L << 30, new Version(12, 0), 2, 8, true, true,
        [new VmNetworkAdapterInfo("Network Adapter", "Lab", "00155D0A0B0C", spoofing)], "Windows Server 2025 Datacenter", "10.0.26100");

    protected static HostInventory Read(string host, params VmSnapshot[] vms) => new(Facts(host), vms, DateTimeOffset.UtcNow);

    protected static async Task<T> NextAsync<T>(IAsyncEnumerator<T> stream)
    {
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Patience), "the stream ended");
        return stream.Current;
    }
}
