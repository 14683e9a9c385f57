using NestedHvDashboard.Benchmarks;

// Benchmarks print tables; they never assert. Usage: dotnet run -c Release -- <scenario> [options]
var scenario = args.Length > 0 ? args[0] : "listing";
return scenario switch
{
    "listing" => await ListingBenchmark.RunAsync(args.Skip(1).ToArray()),
    "streaming" => await StreamingBenchmark.RunAsync(args.Skip(1).ToArray()),
    "streaming-server" => await StreamingServer.RunAsync(args.Skip(1).ToArray()),
    "relay" => await RelayServer.RunAsync(),
    "soak" => await SoakBenchmark.RunAsync(args.Skip(1).ToArray()),
    "footprint" => await FootprintBenchmark.RunAsync(args.Skip(1).ToArray()),
    "watch-cost" => await WatchCostBenchmark.RunAsync(args.Skip(1).ToArray()),
    "scale" => await ScaleBenchmark.RunAsync(args.Skip(1).ToArray()),
    "metric-history" => await MetricHistoryBenchmark.RunAsync(args.Skip(1).ToArray()),
    "cluster" => await ClusterBenchmark.RunAsync(args.Skip(1).ToArray()),
    "heap" => await HeapMeter.RunAsync(args.Skip(1).ToArray()),
    "circuits" => CircuitHeap.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: NestedHvDashboard.Benchmarks listing [--hosts N (20)] [--vms-per-host N (50)] [--runs N (3)]");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks streaming [--hosts N] [--vms-per-host N] [--rate N] [--clients N] [--seconds N] [--messagepack]");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks soak [--minutes N (30)] [--hosts N (10)] [--rate N (2)] [--clients N (50)] [--kill-every-seconds N (120)] [--ui-every-seconds N (4; 0: API only)]");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks footprint [--runspaces N] [--hosts N] [--vms-per-host N] [--idle-seconds N]");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks watch-cost [--cycles N (4)]");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks scale [--hosts N (200)] [--vms N (10000)] [--browsers N (5)] [--seconds N (20)]");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks metric-history [--hosts N (200)] [--vms N (10000)] [--samples N (240)]");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks heap --pid N   (a running .NET process's live managed MB after a full GC)");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks circuits --pid N   (a running dashboard's Blazor circuits and the MB they alone hold)");
    Console.Error.WriteLine("       NestedHvDashboard.Benchmarks cluster [--hosts N (200)] [--vms N per host (50)] [--kills N (5)] [--changes N (20)] [--lease N s (8)]");
    return 2;
}
