using System.Management.Automation.Remoting;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell.Tests;

/// <summary>
/// The usual connection failures, from recorded texts, each mapped to its fix. WinRM texts are quoted from
/// about_Remote_Troubleshooting (MicrosoftDocs/PowerShell-Docs reference/5.1/Microsoft.PowerShell.Core/About/about_Remote_Troubleshooting.md)
/// where it records them; the Kerberos and certificate texts are the WinRM client's own messages as PowerShell reports them
/// ("Connecting to remote server … failed with the following error message : …"), which only a Windows management box
/// produces. The SSH cases run for real against local sshd hosts (Ssh/SshRemotingTests, Ssh/SshSubsystemTests).
/// </summary>
public sealed class ConnectionAdviceTests
{
    private static string Said(string computer, string text) => $"Connecting to remote server {computer} failed with the following error message : {text}";

    // about_Remote_Troubleshooting: HOW TO USE AN IP ADDRESS IN A REMOTE COMMAND / HOW TO CONNECT REMOTELY FROM A WORKGROUP-BASED COMPUTER.
    private const string TrustedHosts = "The WinRM client cannot process the request. If the authentication scheme is different from Kerberos, or if the client computer is not joined to a domain, then HTTPS transport must be used or the destination machine must be added to the TrustedHosts configuration setting. Use winrm.cmd to configure TrustedHosts. Note that computers in the TrustedHosts list might not be authenticated. You can get more information about that by running the following command: winrm help config. For more information, see the about_Remote_Troubleshooting Help topic.";

    // about_Remote_Troubleshooting: HOW TO ENABLE REMOTING / HOW TO CONFIGURE REMOTING ON ALTERNATE PORTS.
    private const string Refused = "The connection to the remote host was refused. Verify that the WS-Management service is running on the remote host and configured to listen for requests on the correct port and HTTP URL. For more information, see the about_Remote_Troubleshooting Help topic.";

    // about_Remote_Troubleshooting: HOW TO CONFIGURE REMOTING WITH A PROXY SERVER.
    private const string CannotConnect = "The client cannot connect to the destination specified in the request. Verify that the service on the destination is running and is accepting requests. For more information, see the about_Remote_Troubleshooting Help topic.";

    // about_Remote_Troubleshooting: HOW TO ENABLE REMOTING FOR NON-ADMINISTRATIVE USERS ("ERROR: ACCESS IS DENIED").
    private const string AccessDenied = "Access is denied. For more information, see the about_Remote_Troubleshooting Help topic.";

    private const string KerberosName = "WinRM cannot process the request. The following error occurred while using Kerberos authentication: Cannot find the computer hv01. Verify that the computer exists on the network and that the name provided is spelled correctly. For more information, see the about_Remote_Troubleshooting Help topic.";

    private const string CertificateErrors = "The server certificate on the destination computer (hv01.lab.contoso.com:5986) has the following errors: ";

    private static HostConnectionSettings WinRm(string address = "hv01.lab.contoso.com", WinRmAuthentication authentication = WinRmAuthentication.Default, bool https = false) =>
        new() { Name = "hv01", Address = address, Transport = HostTransport.WinRm, Authentication = authentication, UseHttps = https, UserName = @"LAB\hvadmin" };

    public static TheoryData<HostConnectionSettings, string, string> WinRmFailures => new()
    {
        { WinRm("10.10.0.7", WinRmAuthentication.Negotiate), TrustedHosts, "the host is outside the dashboard's domain or given by IP address (NTLM): use HTTPS, or add it to TrustedHosts on the management box (Set-Item WSMan:\\localhost\\Client\\TrustedHosts -Value 10.10.0.7 -Concatenate)" },
        { WinRm("hv01.workgroup"), TrustedHosts, "the host is outside the dashboard's domain: use HTTPS, or add it to TrustedHosts" },
        { WinRm("10.10.0.7", WinRmAuthentication.Kerberos), TrustedHosts, "Kerberos does not work with an IP address: use the host's DNS name, the one its SPN (HTTP/<name>) is registered for." },
        { WinRm("hv01", WinRmAuthentication.Kerberos), KerberosName, "Kerberos could not find this name: use the host's DNS name as registered in the domain (its SPN HTTP/<name>)" },
        { WinRm(https: true), CertificateErrors + "The SSL certificate is signed by an unknown certificate authority.", "the host's HTTPS certificate comes from a certificate authority the management box does not trust" },
        { WinRm(https: true), CertificateErrors + "The SSL certificate contains a common name (CN) that does not match the hostname.", "the host's HTTPS certificate is for another name than 'hv01.lab.contoso.com'" },
        { WinRm(https: true), CertificateErrors + "The SSL certificate is expired.", "the host's HTTPS certificate has expired" },
        { WinRm(), Refused, "nothing accepts WinRM on port 5985: on the host run Enable-PSRemoting, and allow port 5985 in its firewall" },
        { WinRm(https: true), CannotConnect, "nothing accepts WinRM on port 5986: on the host run Enable-PSRemoting and create an HTTPS listener" },
        { WinRm() with { ConfigurationName = "HyperV.JEA" }, AccessDenied, "the account is not allowed on the endpoint 'HyperV.JEA': add it to the host's Remote Management Users and Hyper-V Administrators groups, or grant it the endpoint's permissions" },
        { WinRm(), AccessDenied, "the account is not allowed on the endpoint 'Microsoft.PowerShell'" },
    };

    [Theory]
    [MemberData(nameof(WinRmFailures))]
    public void A_recorded_WinRM_failure_is_explained_with_its_fix(HostConnectionSettings settings, string recorded, string fix)
    {
        var said = Said(settings.Address, recorded);

        Assert.StartsWith(fix, ConnectionAdvice.For(settings, said), StringComparison.Ordinal);
    }

    [Fact]
    public void An_explained_failure_keeps_the_hosts_words_its_kind_and_adds_the_fix()
    {
        var settings = WinRm();
        var failure = new PSRemotingTransportException(Said("hv01", AccessDenied));

        var explained = ConnectionAdvice.Explain(settings, failure);
        var error = HostErrors.FromException(explained, "hv01", new HostCommand(HostScript.HostFacts, new Dictionary<string, object?>(), "Read host facts"));

        Assert.Same(failure, explained.InnerException);
        Assert.Equal(HostErrorKind.AuthenticationFailed, error.Kind);
        Assert.StartsWith(failure.Message + " Fix: the account is not allowed on the endpoint", error.HostMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ssh: connect to host 127.0.0.1 port 1: Connection refused", "start sshd.", "ssh: connect to host 127.0.0.1 port 1: Connection refused. Fix: start sshd.")]
    [InlineData("Connection refused  \r\n", "start sshd.", "Connection refused. Fix: start sshd.")]
    [InlineData("Access is denied.", "add the account.", "Access is denied. Fix: add the account.")]
    [InlineData("Is it listening?", "start it.", "Is it listening? Fix: start it.")]
    [InlineData("It failed! ", "retry.", "It failed! Fix: retry.")]
    [InlineData("", "start sshd.", "Fix: start sshd.")]
    public void The_hosts_words_and_the_fix_read_as_separate_sentences(string message, string fix, string expected)
    {
        Assert.Equal(expected, ConnectionAdvice.WithFix(message, fix));
    }

    [Fact]
    public void An_explained_failure_without_a_final_period_gets_one_before_the_fix()
    {
        var settings = new HostConnectionSettings { Name = "hv01", Address = "127.0.0.1", Port = 1, Transport = HostTransport.Ssh, UserName = "lab" };
        var failure = new PSRemotingTransportException("ssh: connect to host 127.0.0.1 port 1: Connection refused\n");

        var explained = ConnectionAdvice.Explain(settings, failure);

        Assert.StartsWith("ssh: connect to host 127.0.0.1 port 1: Connection refused. Fix: nothing listens on port 1", explained.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_failure_is_left_as_the_host_said_it()
    {
        var failure = new PSRemotingTransportException("The WS-Management service cannot process the request because the XML is invalid.");

        Assert.Null(ConnectionAdvice.For(WinRm(), failure.Message));
        Assert.Same(failure, ConnectionAdvice.Explain(WinRm(), failure));
    }

    [Fact]
    public async Task A_WinRM_host_from_Linux_is_unreachable_with_the_words_that_say_to_use_SSH()
    {
        Assert.False(RemoteConnections.CanUseWinRm); // the tests run on Linux, where PowerShell has no WS-Management client
        await using var host = HyperVHostFactory.Create(WinRm());

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.GetHostFactsAsync());

        Assert.Equal(HostErrorKind.Unreachable, error.Kind);
        Assert.Equal("WinRM needs a Windows management box; from Linux use SSH: PowerShell 7 and OpenSSH on the host", error.HostMessage);
        Assert.EndsWith(": host unreachable: " + RemoteConnections.WinRmNeedsWindows, error.Message, StringComparison.Ordinal);
    }
}
