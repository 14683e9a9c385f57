<#
.SYNOPSIS
Prepares a Hyper-V host for NestedHv Dashboard: WinRM over HTTPS, and optionally PowerShell remoting over SSH.

.DESCRIPTION
Run on each Hyper-V host, as an administrator, on Windows PowerShell 5.1 or PowerShell 7. -WhatIf shows every change
and makes none; -Remove takes back what this script added.

WinRM over HTTPS (always):
- an HTTPS listener on 5986 with the certificate -CertificateThumbprint names (from Cert:\LocalMachine\My), or a new
  self-signed one for the host's names;
- a firewall rule for 5986, limited to -ManagementAddress when given;
- with -RemoveHttpListener, the unencrypted HTTP listener (5985) removed;
- prints the certificate's thumbprint and, for a self-signed one, exports it to a .cer file to import into the
  management box's Trusted Root store, so the dashboard can check it instead of skipping certificate checks.

-Ssh (from a Linux management box, SSH is the only transport):
- installs the OpenSSH Server Windows capability, starts sshd and starts it at boot;
- makes PowerShell 7 the "powershell" subsystem in sshd_config (PowerShell 7 must be installed: Windows PowerShell
  5.1 cannot serve remoting over SSH);
- adds -SshPublicKey (the dashboard account's public key, one "ssh-ed25519 AAAA... comment" line) to
  administrators_authorized_keys, readable only by Administrators and SYSTEM;
- limits sshd's firewall rule to -ManagementAddress when given.

.EXAMPLE
.\Enable-NestedHvDashboardAccess.ps1 -ManagementAddress 10.0.0.5 -RemoveHttpListener

.EXAMPLE
.\Enable-NestedHvDashboardAccess.ps1 -Ssh -SshPublicKey (Get-Content .\dashboard.pub) -ManagementAddress 10.0.0.5

.EXAMPLE
.\Enable-NestedHvDashboardAccess.ps1 -Remove
#>
[CmdletBinding(SupportsShouldProcess = $true, DefaultParameterSetName = 'Enable')]
param(
    [Parameter(ParameterSetName = 'Enable')]
    [string] $CertificateThumbprint,

    [Parameter(ParameterSetName = 'Enable')]
    [string[]] $ManagementAddress,

    [Parameter(ParameterSetName = 'Enable')]
    [switch] $RemoveHttpListener,

    [Parameter(ParameterSetName = 'Enable')]
    [switch] $Ssh,

    [Parameter(ParameterSetName = 'Enable')]
    [string] $SshPublicKey,

    [Parameter(ParameterSetName = 'Enable')]
    [string] $CertificateExportPath = (Join-Path (Get-Location) "$($env:COMPUTERNAME)-winrm.cer"),

    [Parameter(Mandatory = $true, ParameterSetName = 'Remove')]
    [switch] $Remove
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

$winRmRuleName = 'NestedHvDashboard-WinRM-HTTPS'
$sshRuleName = 'OpenSSH-Server-In-TCP'
$sshConfig = Join-Path $env:ProgramData 'ssh\sshd_config'
$adminKeys = Join-Path $env:ProgramData 'ssh\administrators_authorized_keys'
$subsystemMarker = '# NestedHvDashboard: PowerShell remoting over SSH'

function Assert-Administrator {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object -TypeName System.Security.Principal.WindowsPrincipal -ArgumentList $identity
    if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'Run this script as an administrator: it changes WinRM listeners, the firewall and sshd.'
    }
}

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    $output = & $Command 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) {
        throw "$What failed (exit code $LASTEXITCODE): $($output.Trim())"
    }
    Write-Verbose $output
}

function Get-HostNames {
    $names = @($env:COMPUTERNAME)
    $fqdn = [System.Net.Dns]::GetHostEntry('localhost').HostName
    if ($fqdn -and $names -notcontains $fqdn) { $names += $fqdn }
    $names
}

function Get-ListenerCertificate {
    if ($CertificateThumbprint) {
        $thumbprint = $CertificateThumbprint -replace '[\s:]', ''
        $certificate = Get-Item -LiteralPath "Cert:\LocalMachine\My\$thumbprint" -ErrorAction SilentlyContinue
        if ($null -eq $certificate) {
            throw "No certificate with thumbprint $thumbprint is in Cert:\LocalMachine\My. Import it there (with its private key) first, or leave -CertificateThumbprint out for a self-signed one."
        }
        return $certificate
    }
    $names = Get-HostNames
    if ($PSCmdlet.ShouldProcess('Cert:\LocalMachine\My', "Create a self-signed certificate for $($names -join ', ') (server authentication)")) {
        return New-SelfSignedCertificate -DnsName $names -CertStoreLocation 'Cert:\LocalMachine\My' -KeyExportPolicy NonExportable -NotAfter (Get-Date).AddYears(3) -FriendlyName 'NestedHv Dashboard WinRM HTTPS'
    }
    $null
}

function Get-Listeners {
    @(Get-WSManInstance -ResourceURI 'winrm/config/Listener' -Enumerate)
}

function Set-FirewallRule {
    param([string] $Name, [string] $DisplayName, [int] $Port)
    $remote = 'Any'
    if ($ManagementAddress) { $remote = $ManagementAddress }
    $existing = Get-NetFirewallRule -Name $Name -ErrorAction SilentlyContinue
    if ($null -ne $existing) {
        if ($PSCmdlet.ShouldProcess($Name, "Allow inbound TCP $Port from $($remote -join ', ') only")) {
            Set-NetFirewallRule -Name $Name -RemoteAddress $remote -Enabled True
        }
    }
    elseif ($PSCmdlet.ShouldProcess($Name, "Allow inbound TCP $Port from $($remote -join ', ')")) {
        New-NetFirewallRule -Name $Name -DisplayName $DisplayName -Direction Inbound -Protocol TCP -LocalPort $Port -RemoteAddress $remote -Action Allow -Profile Any | Out-Null
    }
}

function Enable-WinRmHttps {
    if ($PSCmdlet.ShouldProcess('WinRM', 'Enable PowerShell remoting (service, default endpoints)')) {
        Enable-PSRemoting -SkipNetworkProfileCheck -Force | Out-Null
    }
    $certificate = Get-ListenerCertificate
    $https = @(Get-Listeners | Where-Object { $_.Transport -eq 'HTTPS' })
    if ($null -ne $certificate) {
        $fqdn = (Get-HostNames)[-1]
        $values = @{ Hostname = $fqdn; CertificateThumbprint = $certificate.Thumbprint }
        if ($https.Count -gt 0) {
            if ($PSCmdlet.ShouldProcess('WinRM HTTPS listener', "Use certificate $($certificate.Thumbprint)")) {
                Set-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTPS' } -ValueSet $values | Out-Null
            }
        }
        elseif ($PSCmdlet.ShouldProcess('WinRM HTTPS listener', "Create on port 5986 with certificate $($certificate.Thumbprint)")) {
            New-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTPS' } -ValueSet $values | Out-Null
        }
    }
    Set-FirewallRule -Name $winRmRuleName -DisplayName 'NestedHv Dashboard (WinRM HTTPS 5986)' -Port 5986
    if ($RemoveHttpListener) {
        if ((@(Get-Listeners | Where-Object { $_.Transport -eq 'HTTP' }).Count -gt 0) -and $PSCmdlet.ShouldProcess('WinRM HTTP listener (5985)', 'Remove')) {
            Remove-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTP' }
        }
    }
    if ($null -ne $certificate) {
        Write-Output "WinRM HTTPS listens on 5986 with certificate $($certificate.Thumbprint) (subject $($certificate.Subject))."
        if (-not $CertificateThumbprint -and $PSCmdlet.ShouldProcess($CertificateExportPath, 'Export the self-signed certificate (public part only)')) {
            Export-Certificate -Cert $certificate -FilePath $CertificateExportPath -Type CERT | Out-Null
            Write-Output "On the management box, trust it: Import-Certificate -FilePath $CertificateExportPath -CertStoreLocation Cert:\LocalMachine\Root"
        }
        Write-Output "In the dashboard's Connections form: address $((Get-HostNames)[-1]), transport WinRM, HTTPS on, port 5986."
    }
}

function Get-PwshPath {
    $command = Get-Command -Name 'pwsh.exe' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -ne $command) { return $command.Source }
    $default = Join-Path $env:ProgramFiles 'PowerShell\7\pwsh.exe'
    if (Test-Path -LiteralPath $default) { return $default }
    throw 'PowerShell 7 is not installed: remoting over SSH needs it on the host (Windows PowerShell 5.1 cannot serve it). Install it (https://aka.ms/powershell-release?tag=stable), then run this again.'
}

# sshd_config allows no spaces in a subsystem's path: the short (8.3) form of the folder, as Microsoft's SSH remoting guide does.
function Get-ShortPath {
    param([string] $Path)
    $fso = New-Object -ComObject Scripting.FileSystemObject
    $fso.GetFile($Path).ShortPath -replace '\\', '/'
}

function Enable-SshRemoting {
    $pwsh = Get-PwshPath
    $capability = Get-WindowsCapability -Online -Name 'OpenSSH.Server*' | Select-Object -First 1
    if ($null -eq $capability) {
        throw 'This Windows has no OpenSSH.Server capability (Windows Server 2019 / Windows 10 1809 or later have it); install OpenSSH Server another way, then run this again.'
    }
    if ($capability.State -ne 'Installed' -and $PSCmdlet.ShouldProcess($capability.Name, 'Install the OpenSSH Server capability')) {
        Add-WindowsCapability -Online -Name $capability.Name | Out-Null
    }
    if ($PSCmdlet.ShouldProcess('sshd', 'Start now and at boot')) {
        Set-Service -Name 'sshd' -StartupType Automatic
        Start-Service -Name 'sshd'
    }
    if ((Test-Path -LiteralPath $sshConfig) -and $PSCmdlet.ShouldProcess($sshConfig, "Make PowerShell 7 ($pwsh) the powershell subsystem")) {
        $line = "Subsystem powershell $(Get-ShortPath -Path $pwsh) -sshs -NoLogo"
        $config = @(Get-Content -LiteralPath $sshConfig)
        $kept = @($config | Where-Object { $_ -ne $subsystemMarker -and $_ -notmatch '^\s*Subsystem\s+powershell\s' })
        # A Subsystem line must come before any Match block, or sshd reads it as part of that block.
        $match = -1
        for ($i = 0; $i -lt $kept.Count; $i++) {
            if ($kept[$i] -match '^\s*Match\s') { $match = $i; break }
        }
        if ($match -lt 0) {
            $updated = $kept + @($subsystemMarker, $line)
        }
        elseif ($match -eq 0) {
            $updated = @($subsystemMarker, $line) + $kept
        }
        else {
            $updated = $kept[0..($match - 1)] + @($subsystemMarker, $line) + $kept[$match..($kept.Count - 1)]
        }
        Set-Content -LiteralPath $sshConfig -Value $updated -Encoding ASCII
    }
    if ($SshPublicKey -and $PSCmdlet.ShouldProcess($adminKeys, 'Add the dashboard account''s public key (Administrators and SYSTEM only)')) {
        $present = @()
        if (Test-Path -LiteralPath $adminKeys) { $present = @(Get-Content -LiteralPath $adminKeys) }
        if ($present -notcontains $SshPublicKey.Trim()) {
            Add-Content -LiteralPath $adminKeys -Value $SshPublicKey.Trim() -Encoding ASCII
        }
        # sshd ignores the file unless only Administrators and SYSTEM can touch it.
        Invoke-Native -What 'icacls (administrators_authorized_keys)' -Command { icacls.exe $adminKeys /inheritance:r /grant '*S-1-5-32-544:F' '*S-1-5-18:F' }
    }
    if (Get-NetFirewallRule -Name $sshRuleName -ErrorAction SilentlyContinue) {
        if ($ManagementAddress -and $PSCmdlet.ShouldProcess($sshRuleName, "Allow SSH from $($ManagementAddress -join ', ') only")) {
            Set-NetFirewallRule -Name $sshRuleName -RemoteAddress $ManagementAddress -Enabled True
        }
    }
    else {
        Set-FirewallRule -Name $sshRuleName -DisplayName 'OpenSSH SSH Server (sshd)' -Port 22
    }
    if ($PSCmdlet.ShouldProcess('sshd', 'Restart to read the new configuration')) {
        Restart-Service -Name 'sshd'
    }
    Write-Output "SSH remoting: PowerShell 7 ($pwsh) serves the 'powershell' subsystem. In the dashboard's Connections form: transport SSH, port 22, the private key of the account whose public key was added."
}

# Every input is checked before anything changes, so a wrong one leaves the host as it was.
function Assert-Input {
    if ($CertificateThumbprint -and ($CertificateThumbprint -replace '[\s:]', '') -notmatch '^[0-9A-Fa-f]{40}$') {
        throw "-CertificateThumbprint '$CertificateThumbprint' is not a certificate thumbprint (40 hexadecimal digits)."
    }
    foreach ($address in @($ManagementAddress)) {
        if ($null -ne $address -and $address -notmatch '^[0-9A-Fa-f:.]+(/\d{1,3})?$' -and $address -notmatch '^[0-9.]+-[0-9.]+$') {
            throw "-ManagementAddress '$address' is not an IP address, a subnet (10.0.0.0/24) or a range (10.0.0.5-10.0.0.9)."
        }
    }
    if ($SshPublicKey -and -not $Ssh) {
        throw '-SshPublicKey goes with -Ssh.'
    }
    if ($SshPublicKey -and $SshPublicKey.Trim() -notmatch '^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( [^\r\n]*)?$') {
        throw '-SshPublicKey is not one OpenSSH public key line ("ssh-ed25519 AAAA... comment"): give the content of the dashboard account''s .pub file.'
    }
    if ($Ssh) {
        Get-PwshPath | Out-Null
    }
}

function Disable-DashboardAccess {
    if ((Get-NetFirewallRule -Name $winRmRuleName -ErrorAction SilentlyContinue) -and $PSCmdlet.ShouldProcess($winRmRuleName, 'Remove the firewall rule')) {
        Remove-NetFirewallRule -Name $winRmRuleName
    }
    if ((@(Get-Listeners | Where-Object { $_.Transport -eq 'HTTPS' }).Count -gt 0) -and $PSCmdlet.ShouldProcess('WinRM HTTPS listener', 'Remove')) {
        Remove-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTPS' }
    }
    if ((@(Get-Listeners | Where-Object { $_.Transport -eq 'HTTP' }).Count -eq 0) -and $PSCmdlet.ShouldProcess('WinRM HTTP listener (5985)', 'Put back the default listener')) {
        New-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTP' } | Out-Null
    }
    if ((Test-Path -LiteralPath $sshConfig) -and $PSCmdlet.ShouldProcess($sshConfig, 'Remove the powershell subsystem this script added')) {
        $config = @(Get-Content -LiteralPath $sshConfig)
        $kept = New-Object -TypeName System.Collections.Generic.List[string]
        for ($i = 0; $i -lt $config.Count; $i++) {
            if ($config[$i] -eq $subsystemMarker) { $i++; continue }
            $kept.Add($config[$i])
        }
        Set-Content -LiteralPath $sshConfig -Value $kept.ToArray() -Encoding ASCII
        if (Get-Service -Name 'sshd' -ErrorAction SilentlyContinue) { Restart-Service -Name 'sshd' }
    }
    Write-Output 'Removed the WinRM HTTPS listener and its firewall rule, and the SSH subsystem this script added. The OpenSSH Server capability, sshd''s own firewall rule, keys and certificates are left as they are.'
}

# -WhatIf changes nothing, so it needs no administrator: anyone can see what the script would do.
if (-not $WhatIfPreference) {
    Assert-Administrator
}
if ($Remove) {
    Disable-DashboardAccess
}
else {
    Assert-Input
    Enable-WinRmHttps
    if ($Ssh) {
        Enable-SshRemoting
    }
    if ($WhatIfPreference) {
        Write-Output 'WhatIf: nothing was changed.'
    }
}
