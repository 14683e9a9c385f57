namespace NestedHvDashboard.Core.Hosts;

/// <summary>
/// How long each kind of long host operation may run before the dashboard stops waiting for it (configuration:
/// <c>Operations:Timeouts</c>). The host's own <see cref="HostConnectionSettings.Timeout"/> still bounds connecting
/// and every read. A limit that runs out is <see cref="HostErrorKind.StillRunning"/>, not a failure: the host is
/// left to finish and the dashboard reads the VM or guest again.
/// </summary>
public sealed record OperationTimeouts
{
    /// <summary>The configuration section the dashboard binds this from.</summary>
    public const string Section = "Operations:Timeouts";

    /// <summary>A graceful shutdown (Stop-VM -Force): an L1 hosting L2 VMs shuts those down first. Default: 10 minutes.</summary>
    public TimeSpan GracefulShutdown { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Starting a VM until Hyper-V reports it Running. Default: 5 minutes.</summary>
    public TimeSpan Start { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Installing Hyper-V in a guest (Install-WindowsFeature / Enable-WindowsOptionalFeature). Default: 45 minutes.</summary>
    public TimeSpan InstallHyperV { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>Creating a new VM ready for nesting. Default: 5 minutes.</summary>
    public TimeSpan NewVm { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Every limit that is not positive, named as configured; empty when all are usable.</summary>
    public IReadOnlyList<string> Problems() =>
        [.. new (string Name, TimeSpan Value)[]
            {
                (nameof(GracefulShutdown), GracefulShutdown),
                (nameof(Start), Start),
                (nameof(InstallHyperV), InstallHyperV),
                (nameof(NewVm), NewVm),
            }
            .Where(limit => limit.Value <= TimeSpan.Zero)
            .Select(limit => $"{Section}:{limit.Name} must be longer than zero (it is {limit.Value}).")];

    /// <summary>A limit in the user's words, e.g. "10 min" or "1.5 s".</summary>
    public static string Describe(TimeSpan limit) =>
        limit >= TimeSpan.FromMinutes(1) && limit.Seconds == 0 && limit.Milliseconds == 0
            ? $"{limit.TotalMinutes:0.##} min"
            : $"{limit.TotalSeconds:0.###} s";
}
