extern alias Web;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Inventory;
using Web::NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// The hidden scenario "streaming-server": the inventory hub on Kestrel (127.0.0.1, a free port)
/// over a store of K × V VMs, in its own process so its CPU time is its own. Driven line by line
/// on stdin by <see cref="StreamingBenchmark"/>:
/// <c>start</c> (counters zeroed, changes begin at R per second) → <c>stop</c> (changes end; answers
/// how many) → <c>report</c> (answers CPU, allocation, bytes and wall time since start) → <c>exit</c>.
/// </summary>
internal static class StreamingServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var lab = new StreamingLab(options.Int("hosts", 200), options.Int("vms-per-host", 50));
        var rate = options.Int("rate", 100);
        var store = lab.CreateStore();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
        {
            connection.Transport = new CountingTransport(connection.Transport);
            return next(connection);
        })));
        builder.Services.AddSingleton<IInventoryFeed>(store);
        builder.Services.AddInventoryHub();
        ViewerAuthentication.AddTo(builder.Services);
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapInventoryHub();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        Console.WriteLine($"ready {address.Port}");

        var process = Process.GetCurrentProcess();
        (TimeSpan Cpu, long Allocated, long Bytes, long Clock) start = default;
        using var producing = new CancellationTokenSource();
        Task<long>? producer = null;
        while (await Console.In.ReadLineAsync() is { } command)
        {
            switch (command.Trim())
            {
                case "start":
                    process.Refresh();
                    start = (process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true), CountingTransport.BytesWritten, Stopwatch.GetTimestamp());
                    producer = Task.Run(() => ProduceAsync(lab, store, rate, producing.Token));
                    Console.WriteLine("started");
                    break;
                case "stop":
                    await producing.CancelAsync();
                    var made = producer is null ? 0 : await producer;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stopped {made}"));
                    break;
                case "report":
                    process.Refresh();
                    var cpu = process.TotalProcessorTime - start.Cpu;
                    var allocated = GC.GetTotalAllocatedBytes(precise: true) - start.Allocated;
                    var bytes = CountingTransport.BytesWritten - start.Bytes;
                    var wall = Stopwatch.GetElapsedTime(start.Clock);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report {cpu.Ticks} {allocated} {bytes} {wall.Ticks}"));
                    break;
                case "exit":
                    await app.StopAsync();
                    return 0;
                default:
                    break;
            }
        }

        await app.StopAsync();
        return 0;
    }

    /// <summary>Changes at <paramref name="rate"/> per second, evenly spaced; late ones catch up rather than being dropped.</summary>
    private static async Task<long> ProduceAsync(StreamingLab lab, InventoryStore store, int rate, CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        long made = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = TimeSpan.FromSeconds((double)made / rate);
            var wait = due - Stopwatch.GetElapsedTime(began);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            lab.ChangeOne(store);
            made++;
        }

        return made;
    }
}
