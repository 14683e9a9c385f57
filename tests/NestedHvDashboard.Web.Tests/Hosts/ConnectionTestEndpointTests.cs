using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary><i>Test connection</i> through the real engine: the endpoint it names, and WinRM from Linux said at once.</summary>
public sealed class ConnectionTestEndpointTests
{
    private static readonly HostConnectionSettings WinRm = new()
    {
        Name = "hv21",
        Address = "hv21.lab.example",
        Transport = HostTransport.WinRm,
        ConfigurationName = "PowerShell.7",
    };

    [Fact]
    public async Task Test_connection_to_a_WinRM_host_from_Linux_says_to_use_SSH_without_trying_the_network()
    {
        var result = await ConnectionTest.RunAsync(new PowerShellHostConnector(), WinRm);

        Assert.False(result.Succeeded);
        Assert.Equal(HostErrorKind.Unreachable, result.ErrorKind);
        Assert.StartsWith("Could not connect to 'hv21' (WinRM over HTTP to hv21.lab.example:5985 (Default authentication, endpoint PowerShell.7)): Unreachable: ", result.Message, StringComparison.Ordinal);
        Assert.EndsWith("WinRM needs a Windows management box; from Linux use SSH: PowerShell 7 and OpenSSH on the host", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_description_names_the_default_endpoint_when_none_is_set()
    {
        Assert.EndsWith("(Kerberos authentication, endpoint Microsoft.PowerShell)", ConnectionTest.Describe(WinRm with { ConfigurationName = null, Authentication = WinRmAuthentication.Kerberos }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_SSH_port_is_explained_with_its_fix()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: the connect is refused

        var result = await ConnectionTest.RunAsync(new PowerShellHostConnector(), new HostConnectionSettings { Name = "ssh21", Address = "127.0.0.1", Port = port, Transport = HostTransport.Ssh });

        Assert.Equal(HostErrorKind.Unreachable, result.ErrorKind);
        Assert.Contains($"Connection refused. Fix: nothing listens on port {port}: start sshd on the host", result.Message, StringComparison.Ordinal);
    }
}
