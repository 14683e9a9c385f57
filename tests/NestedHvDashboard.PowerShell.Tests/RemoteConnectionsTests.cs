using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell.Tests;

/// <summary>
/// Settings → connection info, property by property. The WinRM transport itself needs a Windows
/// management box (PowerShell on Linux has no WSMan client), so only the mapping is tested here.
/// </summary>
public sealed class RemoteConnectionsTests
{
    private static HostConnectionSettings WinRm(Func<HostConnectionSettings, HostConnectionSettings>? change = null)
    {
        var settings = new HostConnectionSettings { Name = "hv01", Address = "hv01.lab.contoso.com", Transport = HostTransport.WinRm };
        return change is null ? settings : change(settings);
    }

    [Theory]
    [InlineData(false, null, "http", 5985)]
    [InlineData(true, null, "https", 5986)]
    [InlineData(false, 8080, "http", 8080)]
    [InlineData(true, 443, "https", 443)]
    public void WinRm_scheme_and_port_follow_UseHttps_and_the_port_override(bool useHttps, int? port, string scheme, int expectedPort)
    {
        var info = RemoteConnections.CreateWinRm(WinRm(s => s with { UseHttps = useHttps, Port = port }));

        Assert.Equal(scheme, info.Scheme);
        Assert.Equal(expectedPort, info.Port);
        Assert.Equal("hv01.lab.contoso.com", info.ComputerName);
        Assert.Equal(RemoteConnections.WinRmShellUri, info.ShellUri);
        Assert.Equal(new Uri($"{scheme}://hv01.lab.contoso.com:{expectedPort}/wsman"), info.ConnectionUri);
    }

    [Theory]
    [InlineData(null, "http://schemas.microsoft.com/powershell/Microsoft.PowerShell")]
    [InlineData("PowerShell.7", "http://schemas.microsoft.com/powershell/PowerShell.7")]
    [InlineData("HyperV.Dashboard.JEA", "http://schemas.microsoft.com/powershell/HyperV.Dashboard.JEA")]
    public void WinRm_connects_to_the_hosts_endpoint_or_Microsoft_PowerShell(string? configurationName, string shellUri)
    {
        var info = RemoteConnections.CreateWinRm(WinRm(s => s with { ConfigurationName = configurationName }));

        Assert.Equal(shellUri, info.ShellUri);
    }

    [Theory]
    [InlineData(WinRmAuthentication.Default, AuthenticationMechanism.Default)]
    [InlineData(WinRmAuthentication.Negotiate, AuthenticationMechanism.Negotiate)]
    [InlineData(WinRmAuthentication.Kerberos, AuthenticationMechanism.Kerberos)]
    [InlineData(WinRmAuthentication.CredSsp, AuthenticationMechanism.Credssp)]
    public void WinRm_authentication_mechanism_is_mapped(WinRmAuthentication chosen, AuthenticationMechanism expected)
    {
        var info = RemoteConnections.CreateWinRm(WinRm(s => s with { Authentication = chosen, UserName = @"LAB\admin", Password = "pw" }));

        Assert.Equal(expected, info.AuthenticationMechanism);
    }

    [Fact]
    public void WinRm_uses_explicit_credentials_when_a_user_name_is_set()
    {
        var info = RemoteConnections.CreateWinRm(WinRm(s => s with { UserName = @"LAB\admin", Password = "s3cret!'$x" }));

        Assert.NotNull(info.Credential);
        Assert.Equal(@"LAB\admin", info.Credential.UserName);
        Assert.Equal("s3cret!'$x", info.Credential.GetNetworkCredential().Password);
    }

    [Fact]
    public void WinRm_uses_the_process_identity_when_no_user_name_is_set()
    {
        var info = RemoteConnections.CreateWinRm(WinRm());

        Assert.Null(info.Credential);
    }

    [Fact]
    public void WinRm_keeps_certificate_checks_on_by_default()
    {
        var info = RemoteConnections.CreateWinRm(WinRm(s => s with { UseHttps = true }));

        Assert.False(info.SkipCACheck);
        Assert.False(info.SkipCNCheck);
        Assert.False(info.SkipRevocationCheck);
    }

    [Fact]
    public void WinRm_relaxes_every_certificate_check_only_when_asked()
    {
        var info = RemoteConnections.CreateWinRm(WinRm(s => s with { UseHttps = true, SkipCertificateChecks = true }));

        Assert.True(info.SkipCACheck);
        Assert.True(info.SkipCNCheck);
        Assert.True(info.SkipRevocationCheck);
    }

    [Fact]
    public void WinRm_open_and_operation_timeouts_come_from_the_host_timeout()
    {
        var info = RemoteConnections.CreateWinRm(WinRm(s => s with { Timeout = TimeSpan.FromSeconds(12.5) }));

        Assert.Equal(12_500, info.OpenTimeout);
        Assert.Equal(12_500, info.OperationTimeout);
    }

    [Fact]
    public void Ssh_maps_user_host_port_key_subsystem_and_timeout()
    {
        var settings = new HostConnectionSettings
        {
            Name = "hv02",
            Address = "hv02.lab",
            Transport = HostTransport.Ssh,
            UserName = "labadmin",
            KeyFilePath = "/keys/id_ed25519",
            Port = 2222,
            Timeout = TimeSpan.FromSeconds(7),
        };

        var info = RemoteConnections.CreateSsh(settings);

        Assert.Equal("labadmin", info.UserName);
        Assert.Equal("hv02.lab", info.ComputerName);
        Assert.Equal(2222, info.Port);
        Assert.Equal("/keys/id_ed25519", info.KeyFilePath);
        Assert.Equal("powershell", info.Subsystem);
        Assert.Equal(7_000, info.ConnectingTimeout);
    }

    [Fact]
    public void Ssh_defaults_to_port_22_and_the_current_user()
    {
        var info = RemoteConnections.CreateSsh(new HostConnectionSettings { Name = "hv02", Address = "hv02.lab", Transport = HostTransport.Ssh });

        Assert.Equal(22, info.Port);
        Assert.Equal(Environment.UserName, info.UserName);
    }

    [Fact]
    public void Ssh_checks_host_keys_strictly_against_the_given_known_hosts_file()
    {
        var options = RemoteConnections.SshOptions(new HostConnectionSettings
        {
            Name = "hv02",
            Address = "hv02.lab",
            Transport = HostTransport.Ssh,
            KnownHostsFile = "/etc/dashboard/known_hosts",
            KeyFilePath = "/keys/id_ed25519",
        });

        Assert.Equal("yes", options["StrictHostKeyChecking"]);
        Assert.Equal("/etc/dashboard/known_hosts", options["UserKnownHostsFile"]);
        Assert.Equal("yes", options["BatchMode"]);
        Assert.Equal("yes", options["IdentitiesOnly"]);
    }

    [Fact]
    public void Ssh_without_a_known_hosts_file_still_checks_strictly_against_the_default()
    {
        var options = RemoteConnections.SshOptions(new HostConnectionSettings { Name = "hv02", Address = "hv02.lab", Transport = HostTransport.Ssh });

        Assert.Equal("yes", options["StrictHostKeyChecking"]);
        Assert.False(options.ContainsKey("UserKnownHostsFile"));
    }
}
