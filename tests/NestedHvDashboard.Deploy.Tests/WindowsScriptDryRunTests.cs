namespace NestedHvDashboard.Deploy.Tests;

/// <summary>
/// The Windows scripts under <c>deploy/</c> run here with <c>-WhatIf</c> in pwsh, the Windows-only commands they read
/// with standing in for a Windows box (a service that is or is not there, listeners, a certificate), and every command
/// that would change Windows replaced by one that reports being called. What is checked: each change the script would
/// make is announced, none is made (no stub changed anything, no file or folder appeared), and a wrong input stops the
/// script before its first change with a message naming it. What only Windows can confirm (the service really starts,
/// HTTP.sys, the listener, sshd) is not run here; see the README's Install section.
/// </summary>
public sealed class WindowsScriptDryRunTests : IDisposable
{
    // Every command of the two scripts that changes Windows. Under -WhatIf none may run.
    private static readonly string[] Changers =
    [
        "New-Service", "Start-Service", "Stop-Service", "Restart-Service", "Set-Service", "New-NetFirewallRule", "Set-NetFirewallRule",
        "Remove-NetFirewallRule", "New-ItemProperty", "New-SelfSignedCertificate", "Export-Certificate", "Enable-PSRemoting", "New-WSManInstance",
        "Set-WSManInstance", "Remove-WSManInstance", "Add-WindowsCapability", "Register-PSSessionConfiguration", "Unregister-PSSessionConfiguration",
        "New-PSRoleCapabilityFile", "New-PSSessionConfigurationFile", "sc.exe", "netsh.exe", "icacls.exe",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("nestedhv-dryrun-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string InstallPath => Path.Combine(_root, "Program Files", "NestedHvDashboard");

    private string DataPath => Path.Combine(_root, "ProgramData", "NestedHvDashboard");

    // A published release as far as the script looks at one: the app (here a shell script that answers 'version'), its dll and wwwroot.
    private string FakeRelease(string folder, string version)
    {
        var path = Path.Combine(_root, folder);
        Directory.CreateDirectory(Path.Combine(path, "wwwroot"));
        File.WriteAllText(Path.Combine(path, "NestedHvDashboard.Web.dll"), "");
        var exe = Path.Combine(path, "NestedHvDashboard.Web.exe");
        File.WriteAllText(exe, $"#!/bin/sh\necho {version}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private async Task<(int ExitCode, string Output)> RunAsync(string script, string windows, string arguments)
    {
        var stubs = string.Join('\n', Changers.Select(name => $"function global:{name} {{ Write-Output 'STUB CHANGED: {name}' }}"));
        var runner = Path.Combine(_root, $"run-{Guid.NewGuid():N}.ps1");
        await File.WriteAllTextAsync(runner, $"""
            $ErrorActionPreference = 'Stop'
            {stubs}
            {windows}
            {Invocation(script, arguments)}
            """);
        var result = await Repo.RunAsync(Repo.Dotnet, [Repo.PwshDll, "-NoProfile", "-NonInteractive", "-File", runner], TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["ProgramData"] = Path.Combine(_root, "ProgramData"), ["ProgramFiles"] = Path.Combine(_root, "Program Files") });
        Assert.DoesNotContain("STUB CHANGED", result.Output, StringComparison.Ordinal);
        return result;
    }

    // What the operator reads when a script stops: the message, on one line after "ERROR: ".
    private static string Invocation(string script, string arguments) =>
        "try { & " + Quote(Repo.File(script.Split('/'))) + " " + arguments + " }\n" +
        "catch { [Console]::Out.WriteLine('ERROR: ' + $_.Exception.Message); exit 1 }";

    private static void AssertAnnounced(string output, params string[] changes)
    {
        foreach (var change in changes)
        {
            Assert.True(output.Contains("What if: Performing the operation \"" + change, StringComparison.Ordinal), $"-WhatIf did not announce \"{change}\":\n{output}");
        }
    }

    private const string NoService = "function global:Get-Service { param($Name, $ErrorAction) }";

    [Fact]
    public async Task A_dry_install_with_a_self_signed_certificate_announces_every_change_and_makes_none()
    {
        var release = FakeRelease("release", "2.5.0");

        var (code, output) = await RunAsync("deploy/windows/Install-NestedHvDashboard.ps1", NoService,
            $"-Source {Quote(release)} -SelfSigned -InstallPath {Quote(InstallPath)} -DataPath {Quote(DataPath)} -FirewallRemoteAddress 10.0.0.0/24 -WhatIf");

        Assert.True(code == 0, output);
        AssertAnnounced(output,
            "Create a self-signed certificate for",
            $"Copy version 2.5.0 from {release}\" on target \"{Path.Combine(InstallPath, "app")}",
            @"Create the data folder, readable only by NT SERVICE\NestedHvDashboard and the Administrators",
            "Write the first administrator's generated password",
            @"Create the service running " + Path.Combine(InstallPath, "app", "NestedHvDashboard.Web.exe") + @" as NT SERVICE\NestedHvDashboard, restarted on failure",
            "Allow inbound TCP 5443 from 10.0.0.0/24",
            "Create the Application event log source, if missing\" on target \"NestedHv Dashboard",
            "Start the service");
        Assert.Contains("WhatIf: nothing was changed. Without -WhatIf, version 2.5.0 would be installed as above.", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(InstallPath), "nothing may be copied");
        Assert.False(Directory.Exists(DataPath), "no data folder may be made");
    }

    [Fact]
    public async Task A_dry_install_with_Windows_sign_in_reserves_the_HTTP_sys_URL_for_the_given_gMSA()
    {
        var release = FakeRelease("release", "2.5.0");
        const string certificate = """
            function global:Get-Item { param($LiteralPath, $ErrorAction)
                if ($LiteralPath -eq 'Cert:\LocalMachine\My\0123456789ABCDEF0123456789ABCDEF01234567') {
                    $c = [pscustomobject]@{ Thumbprint = '0123456789ABCDEF0123456789ABCDEF01234567'; HasPrivateKey = $true; Subject = 'CN=mgmt.lab.local' }
                    $c | Add-Member -MemberType ScriptMethod -Name GetNameInfo -Value { param($type, $issuer) 'mgmt.lab.local' }
                    return $c
                }
                Microsoft.PowerShell.Management\Get-Item -LiteralPath $LiteralPath
            }
            """;

        var (code, output) = await RunAsync("deploy/windows/Install-NestedHvDashboard.ps1", NoService + "\n" + certificate,
            $"-Source {Quote(release)} -CertificateThumbprint '01 23 45 67 89 AB CD EF 01 23 45 67 89 AB CD EF 01 23 45 67' -ServiceAccount 'LAB\\nhv-gmsa$' -WindowsAuthentication -Port 8443 -InstallPath {Quote(InstallPath)} -DataPath {Quote(DataPath)} -WhatIf");

        Assert.True(code == 0, output);
        AssertAnnounced(output,
            @"Create the service running " + Path.Combine(InstallPath, "app", "NestedHvDashboard.Web.exe") + @" as LAB\nhv-gmsa$",
            "Reserve the HTTP.sys URL for the service and bind the certificate\" on target \"https://+:8443/",
            "Allow inbound TCP 8443 from Any");
        Assert.DoesNotContain("self-signed", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-CertificateThumbprint 'not-a-thumbprint'", "-CertificateThumbprint 'not-a-thumbprint' is not a certificate thumbprint (40 hexadecimal digits).")]
    [InlineData("-CertificateThumbprint '0123456789ABCDEF0123456789ABCDEF01234567'", @"No certificate with thumbprint 0123456789ABCDEF0123456789ABCDEF01234567 is in the machine store (Cert:\LocalMachine\My).")]
    [InlineData("", "HTTPS needs a certificate: give -CertificateThumbprint of one in Cert:\\LocalMachine\\My, or -SelfSigned")]
    [InlineData("-SelfSigned -ServiceAccount 'svc-nhv'", @"-ServiceAccount 'svc-nhv' is not a group managed service account (DOMAIN\name$).")]
    [InlineData("-SelfSigned -FirewallRemoteAddress 'mgmt; Remove-Item'", "-FirewallRemoteAddress 'mgmt; Remove-Item' is not an IP address, a subnet (10.0.0.0/24) or a range")]
    public async Task A_wrong_input_stops_the_install_before_its_first_change_and_names_what_was_wrong(string arguments, string message)
    {
        var release = FakeRelease("release", "2.5.0");

        var (code, output) = await RunAsync("deploy/windows/Install-NestedHvDashboard.ps1", NoService,
            $"-Source {Quote(release)} {arguments} -InstallPath {Quote(InstallPath)} -DataPath {Quote(DataPath)} -WhatIf");

        Assert.NotEqual(0, code);
        Assert.Contains("ERROR: " + message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("What if:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_that_is_not_a_published_release_is_refused_by_name()
    {
        var build = Path.Combine(_root, "bin");
        Directory.CreateDirectory(build);

        var (code, output) = await RunAsync("deploy/windows/Install-NestedHvDashboard.ps1", NoService,
            $"-Source {Quote(build)} -SelfSigned -InstallPath {Quote(InstallPath)} -DataPath {Quote(DataPath)} -WhatIf");

        Assert.NotEqual(0, code);
        Assert.Contains($"ERROR: -Source '{build}' holds no NestedHvDashboard.Web.exe", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_upgrade_announces_stop_backup_swap_and_start_and_keeps_the_installed_release()
    {
        var release = FakeRelease("release", "2.5.0");
        var installed = FakeRelease(Path.Combine("Program Files", "NestedHvDashboard", "app"), "2.4.0");
        var service = """
            function global:Get-Service { param($Name, $ErrorAction) [pscustomobject]@{ Name = $Name; Status = 'Running' } }
            function global:Get-ItemProperty { param($LiteralPath, $Name, $ErrorAction)
                [pscustomobject]@{ Environment = @('ASPNETCORE_ENVIRONMENT=Production', 'ASPNETCORE_URLS=https://+:5443', 'Kestrel__Certificates__Default__Subject=mgmt.lab.local') } }
            function global:Get-ChildItem { param($LiteralPath)
                $c = [pscustomobject]@{ Thumbprint = 'AB'; HasPrivateKey = $true; NotAfter = (Get-Date).AddYears(1) }
                $c | Add-Member -MemberType ScriptMethod -Name GetNameInfo -Value { param($type, $issuer) 'mgmt.lab.local' }
                $c }
            """;

        var (code, output) = await RunAsync("deploy/windows/Install-NestedHvDashboard.ps1", service,
            $"-Upgrade -Source {Quote(release)} -InstallPath {Quote(InstallPath)} -DataPath {Quote(DataPath)} -WhatIf");

        Assert.True(code == 0, output);
        Assert.Contains("Upgrading 2.4.0 to 2.5.0.", output, StringComparison.Ordinal);
        AssertAnnounced(output,
            "Stop the service",
            "Back up the database and the keys\" on target \"" + Path.Combine(DataPath, "backups"),
            "Replace version 2.4.0 with 2.5.0; keep the old one in " + Path.Combine(InstallPath, "app.previous"),
            "Start the service");
        Assert.Contains("WhatIf: nothing was changed. Without -WhatIf, 2.4.0 would be upgraded to 2.5.0 as above.", output, StringComparison.Ordinal);
        Assert.Equal("#!/bin/sh\necho 2.4.0\n", await File.ReadAllTextAsync(Path.Combine(installed, "NestedHvDashboard.Web.exe")));
        Assert.False(Directory.Exists(Path.Combine(InstallPath, "app.previous")));
    }

    [Fact]
    public async Task A_dry_uninstall_with_RemoveData_announces_each_removal_and_removes_nothing()
    {
        FakeRelease(Path.Combine("Program Files", "NestedHvDashboard", "app"), "2.4.0");
        Directory.CreateDirectory(DataPath);
        var service = """
            function global:Get-Service { param($Name, $ErrorAction) [pscustomobject]@{ Name = $Name; Status = 'Running' } }
            function global:Get-ItemProperty { param($LiteralPath, $Name, $ErrorAction) [pscustomobject]@{ Environment = @('ASPNETCORE_URLS=https://+:5443') } }
            function global:Get-NetFirewallRule { param($Name, $ErrorAction) [pscustomobject]@{ Name = $Name } }
            """;

        var (code, output) = await RunAsync("deploy/windows/Install-NestedHvDashboard.ps1", service,
            $"-Uninstall -RemoveData -InstallPath {Quote(InstallPath)} -DataPath {Quote(DataPath)} -WhatIf");

        Assert.True(code == 0, output);
        AssertAnnounced(output,
            "Stop and remove the service",
            "Remove the firewall rule\" on target \"NestedHvDashboard-Https",
            "Remove the HTTP.sys URL reservation and certificate binding, if any\" on target \"https://+:5443/",
            "Remove the Application event log source, if present",
            "Delete the binaries",
            "Delete the data: database, keys, logs and backups");
        Assert.True(Directory.Exists(InstallPath) && Directory.Exists(DataPath), "nothing may be deleted");
    }

    private const string HostWindows = """
        function global:Get-WSManInstance { param($ResourceURI, [switch] $Enumerate) [pscustomobject]@{ Transport = 'HTTP'; Address = '*' } }
        function global:Get-NetFirewallRule { param($Name, $ErrorAction) }
        function global:Get-WindowsCapability { param($Name, [switch] $Online) [pscustomobject]@{ Name = 'OpenSSH.Server~~~~0.0.1.0'; State = 'NotPresent' } }
        """;

    private string PrepareHostFiles()
    {
        var pwsh = Path.Combine(_root, "Program Files", "PowerShell", "7", "pwsh.exe");
        Directory.CreateDirectory(Path.GetDirectoryName(pwsh)!);
        File.WriteAllText(pwsh, "");
        var sshd = Path.Combine(_root, "ProgramData", "ssh", "sshd_config");
        Directory.CreateDirectory(Path.GetDirectoryName(sshd)!);
        File.WriteAllText(sshd, "Port 22\nMatch Group administrators\n       AuthorizedKeysFile __PROGRAMDATA__/ssh/administrators_authorized_keys\n");
        return sshd;
    }

    [Fact]
    public async Task A_dry_host_preparation_with_SSH_announces_WinRM_HTTPS_firewall_sshd_and_key_and_changes_nothing()
    {
        var sshd = PrepareHostFiles();
        var before = await File.ReadAllTextAsync(sshd);

        var (code, output) = await RunAsync("deploy/hosts/Enable-NestedHvDashboardAccess.ps1", HostWindows,
            $"-ManagementAddress 10.0.0.5 -RemoveHttpListener -Ssh -SshPublicKey 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx dashboard@mgmt' -CertificateExportPath {Quote(Path.Combine(_root, "host.cer"))} -WhatIf");

        Assert.True(code == 0, output);
        AssertAnnounced(output,
            "Enable PowerShell remoting (service, default endpoints)",
            "Create a self-signed certificate for",
            "Allow inbound TCP 5986 from 10.0.0.5\" on target \"NestedHvDashboard-WinRM-HTTPS",
            "Remove\" on target \"WinRM HTTP listener (5985)",
            "Install the OpenSSH Server capability\" on target \"OpenSSH.Server~~~~0.0.1.0",
            "Start now and at boot\" on target \"sshd",
            "Make PowerShell 7 (" + Path.Combine(_root, "Program Files", "PowerShell", "7", "pwsh.exe") + ") the powershell subsystem",
            "Add the dashboard account's public key (Administrators and SYSTEM only)",
            "Allow inbound TCP 22 from 10.0.0.5\" on target \"OpenSSH-Server-In-TCP",
            "Restart to read the new configuration");
        Assert.Contains("WhatIf: nothing was changed.", output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(sshd));
        Assert.False(File.Exists(Path.Combine(_root, "host.cer")));
    }

    [Theory]
    [InlineData("-Ssh -SshPublicKey 'AAAAC3NzaC1lZDI1NTE5 no type'", "-SshPublicKey is not one OpenSSH public key line")]
    [InlineData("-SshPublicKey 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx x'", "-SshPublicKey goes with -Ssh.")]
    [InlineData("-CertificateThumbprint 'xyz'", "-CertificateThumbprint 'xyz' is not a certificate thumbprint (40 hexadecimal digits).")]
    [InlineData("-ManagementAddress '10.0.0.5; Stop-Computer'", "-ManagementAddress '10.0.0.5; Stop-Computer' is not an IP address")]
    public async Task A_wrong_input_stops_the_host_preparation_before_its_first_change(string arguments, string message)
    {
        PrepareHostFiles();

        var (code, output) = await RunAsync("deploy/hosts/Enable-NestedHvDashboardAccess.ps1", HostWindows, arguments + " -WhatIf");

        Assert.NotEqual(0, code);
        Assert.Contains("ERROR: " + message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("What if:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_JEA_preparation_announces_the_module_the_roles_and_the_endpoint_and_changes_nothing()
    {
        PrepareHostFiles();
        var module = Path.Combine(_root, "HostTools");
        NestedHvDashboard.PowerShell.HostTools.Export(module);

        var (code, output) = await RunAsync("deploy/hosts/Enable-NestedHvDashboardAccess.ps1", HostWindows,
            $"-Jea -ModulePath {Quote(module)} -OperatorPrincipal 'LAB\\hv-operators' -ViewerPrincipal 'LAB\\hv-readers' -CertificateExportPath {Quote(Path.Combine(_root, "host.cer"))} -WhatIf");

        Assert.True(code == 0, output);
        AssertAnnounced(output,
            $"Install NestedHvDashboard.HostTools {NestedHvDashboard.PowerShell.HostTools.Version} with the roles NestedHvViewer and NestedHvOperator\" on target \"" + Path.Combine(_root, "Program Files", "WindowsPowerShell", "Modules", "NestedHvDashboard.HostTools"),
            @"Register the JEA endpoint (operators: LAB\hv-operators; viewers: LAB\hv-readers; transcripts in " + Path.Combine(_root, "ProgramData", "NestedHvDashboard", "Transcripts"));
        Assert.False(Directory.Exists(Path.Combine(_root, "Program Files", "WindowsPowerShell")));
    }

    [Theory]
    [InlineData("-Jea -ModulePath {module}", "-Jea needs -OperatorPrincipal or -ViewerPrincipal")]
    [InlineData("-Jea -ModulePath {module} -OperatorPrincipal 'operators'", "-OperatorPrincipal/-ViewerPrincipal 'operators' is not DOMAIN\\name")]
    [InlineData("-Jea -OperatorPrincipal 'LAB\\ops'", "-Jea needs -ModulePath")]
    [InlineData("-Jea -ModulePath {empty} -OperatorPrincipal 'LAB\\ops'", "holds no NestedHvDashboard.HostTools.psd1 and .psm1")]
    [InlineData("-OperatorPrincipal 'LAB\\ops'", "-OperatorPrincipal, -ViewerPrincipal and -ModulePath go with -Jea.")]
    public async Task A_wrong_JEA_input_stops_before_any_change(string arguments, string message)
    {
        PrepareHostFiles();
        var module = Path.Combine(_root, "HostTools");
        NestedHvDashboard.PowerShell.HostTools.Export(module);
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;

        var (code, output) = await RunAsync("deploy/hosts/Enable-NestedHvDashboardAccess.ps1", HostWindows,
            arguments.Replace("{module}", Quote(module), StringComparison.Ordinal).Replace("{empty}", Quote(empty), StringComparison.Ordinal) + " -WhatIf");

        Assert.NotEqual(0, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("What if:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SSH_without_PowerShell_7_on_the_host_is_refused_before_any_change()
    {
        PrepareHostFiles();
        File.Delete(Path.Combine(_root, "Program Files", "PowerShell", "7", "pwsh.exe"));

        var (code, output) = await RunAsync("deploy/hosts/Enable-NestedHvDashboardAccess.ps1", HostWindows, "-Ssh -WhatIf");

        Assert.NotEqual(0, code);
        Assert.Contains("ERROR: PowerShell 7 is not installed: remoting over SSH needs it on the host", output, StringComparison.Ordinal);
        Assert.DoesNotContain("What if:", output, StringComparison.Ordinal);
    }
}
