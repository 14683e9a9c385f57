using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell.Tests.Ssh;

/// <summary>A real sshd on loopback whose sshd_config has no "powershell" subsystem: the failure names the missing line.</summary>
public sealed class SshSubsystemTests
{
    [Fact]
    public async Task A_host_without_the_powershell_subsystem_is_explained_with_the_sshd_config_line()
    {
        await using var bare = await SshTestHost.StartAsync("SSH-BARE", SshLabFixture.IntelHost("SSH-BARE"), powershellSubsystem: false);
        await using var host = HyperVHostFactory.Create(bare.Settings(TimeSpan.FromSeconds(20)));

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.GetHostFactsAsync());

        Assert.Equal(HostErrorKind.Unreachable, error.Kind);
        Assert.Equal("SSH-BARE", error.HostName);
        Assert.Contains("subsystem request failed", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Fix: sshd on the host has no 'powershell' subsystem", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("Subsystem powershell", error.HostMessage, StringComparison.Ordinal);
    }
}
