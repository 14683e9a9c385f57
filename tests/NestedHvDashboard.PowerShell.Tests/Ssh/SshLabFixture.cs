using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.Ssh;

/// <summary>Two simulated Hyper-V hosts behind their own sshd on loopback, and a dashboard host for each.</summary>
public sealed class SshLabFixture : IAsyncLifetime
{
    public const string MaliciousName = "x'; Remove-Item C:\\ -Recurse; '$(Get-Date)";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private SshTestHost? _alpha;
    private SshTestHost? _beta;
    private IHyperVHost? _alphaHost;
    private IHyperVHost? _betaHost;

    public SshTestHost Alpha => _alpha ?? throw new InvalidOperationException("Not started.");

    public SshTestHost Beta => _beta ?? throw new InvalidOperationException("Not started.");

    /// <summary>The dashboard's view of <see cref="Alpha"/>, shared by the tests (one pwsh session).</summary>
    public IHyperVHost AlphaHost => _alphaHost ?? throw new InvalidOperationException("Not started.");

    public IHyperVHost BetaHost => _betaHost ?? throw new InvalidOperationException("Not started.");

    /// <summary>An Intel host with an Off VM, a running VM and a VM whose name is hostile script text.</summary>
    public static SimulatedHost IntelHost(string name)
    {
        var host = new SimulatedHost(name) { Timing = SimulationTiming.Fast() };
        host.AddVm("web01");
        host.AddVm("build01", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddHours(-1);
        });
        host.AddVm(MaliciousName);
        return host;
    }

    /// <summary>An AMD host with two VMs.</summary>
    public static SimulatedHost AmdHost(string name)
    {
        var host = new SimulatedHost(name, new HostProfile
        {
            OsCaption = "Microsoft Windows Server 2025 Datacenter",
            OsVersion = "10.0.26100",
            OsBuild = 26100,
            ProcessorManufacturer = "AuthenticAMD",
            ProcessorName = "AMD EPYC 7763 64-Core Processor",
        })
        { Timing = SimulationTiming.Fast() };
        host.AddVm("db01", vm => vm.ExposeVirtualizationExtensions = true);
        host.AddVm("db02");
        return host;
    }

    public async Task InitializeAsync()
    {
        var started = await Task.WhenAll(
            SshTestHost.StartAsync("SSH-ALPHA", IntelHost("SSH-ALPHA")),
            SshTestHost.StartAsync("SSH-BETA", AmdHost("SSH-BETA")));
        (_alpha, _beta) = (started[0], started[1]);
        _alphaHost = HyperVHostFactory.Create(Alpha.Settings(Timeout));
        _betaHost = HyperVHostFactory.Create(Beta.Settings(Timeout));
    }

    public async Task DisposeAsync()
    {
        if (_alphaHost is not null)
        {
            await _alphaHost.DisposeAsync();
        }

        if (_betaHost is not null)
        {
            await _betaHost.DisposeAsync();
        }

        if (_alpha is not null)
        {
            await _alpha.DisposeAsync();
        }

        if (_beta is not null)
        {
            await _beta.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SshLabCollection : ICollectionFixture<SshLabFixture>
{
    public const string Name = "ssh-lab";
}
