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

-Jea (least privilege instead of an administrator's endpoint):
- installs the NestedHvDashboard.HostTools module (the engine's work as functions; export it on the management box
  with 'NestedHvDashboard.Web export-host-tools --to <folder>' and give that folder as -ModulePath) with two role
  capabilities made by New-PSRoleCapabilityFile: NestedHvViewer (reads) and NestedHvOperator (reads and changes);
- registers the session configuration "NestedHvDashboard" (New-PSSessionConfigurationFile, RestrictedRemoteServer,
  NoLanguage) that runs as a virtual account belonging only to Hyper-V Administrators, with -OperatorPrincipal and
  -ViewerPrincipal (groups or accounts) mapped to the roles and transcripts in -TranscriptPath;
- in the dashboard, set the host's Endpoint to NestedHvDashboard: the engine then calls the module's functions by name.
-ExportJeaFiles <folder> writes the module, the role capabilities and the session configuration file there without
registering anything, to review them first.

.EXAMPLE
.\Enable-NestedHvDashboardAccess.ps1 -ManagementAddress 10.0.0.5 -RemoveHttpListener

.EXAMPLE
.\Enable-NestedHvDashboardAccess.ps1 -Ssh -SshPublicKey (Get-Content .\dashboard.pub) -ManagementAddress 10.0.0.5

.EXAMPLE
.\Enable-NestedHvDashboardAccess.ps1 -Jea -ModulePath .\NestedHvDashboard.HostTools -OperatorPrincipal 'LAB\HyperV-Operators' -ViewerPrincipal 'LAB\HyperV-Readers'

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

    [Parameter(ParameterSetName = 'Enable')]
    [switch] $Jea,

    [Parameter(ParameterSetName = 'Enable')]
    [Parameter(Mandatory = $true, ParameterSetName = 'Export')]
    [string] $ModulePath,

    [Parameter(ParameterSetName = 'Enable')]
    [Parameter(ParameterSetName = 'Export')]
    [string[]] $OperatorPrincipal,

    [Parameter(ParameterSetName = 'Enable')]
    [Parameter(ParameterSetName = 'Export')]
    [string[]] $ViewerPrincipal,

    [Parameter(ParameterSetName = 'Enable')]
    [Parameter(ParameterSetName = 'Export')]
    [string] $TranscriptPath,

    [Parameter(Mandatory = $true, ParameterSetName = 'Export')]
    [string] $ExportJeaFiles,

    [Parameter(Mandatory = $true, ParameterSetName = 'Remove')]
    [switch] $Remove
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

$winRmRuleName = 'NestedHvDashboard-WinRM-HTTPS'
$sshRuleName = 'OpenSSH-Server-In-TCP'
# %ProgramData% on Windows; the same folder by .NET's name elsewhere (-ExportJeaFiles can run on a Linux management box).
$programData = $env:ProgramData
if (-not $programData) { $programData = [Environment]::GetFolderPath('CommonApplicationData') }
$sshConfig = Join-Path $programData 'ssh\sshd_config'
$adminKeys = Join-Path $programData 'ssh\administrators_authorized_keys'
$subsystemMarker = '# NestedHvDashboard: PowerShell remoting over SSH'
$moduleName = 'NestedHvDashboard.HostTools'
$endpointName = 'NestedHvDashboard'
# A thumbprint as Windows shows it (spaced or with colons), as the store names it.
$thumbprint = $CertificateThumbprint -replace '[\s:]', ''

function Get-HostNames {
    $names = @($env:COMPUTERNAME)
    $fqdn = [System.Net.Dns]::GetHostEntry('localhost').HostName
    if ($fqdn -and $names -notcontains $fqdn) { $names += $fqdn }
    $names
}

function Get-ListenerCertificate {
    if ($CertificateThumbprint) {
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

function Test-Listener {
    param([string] $Transport)
    @(Get-WSManInstance -ResourceURI 'winrm/config/Listener' -Enumerate | Where-Object { $_.Transport -eq $Transport }).Count -gt 0
}

# The rule for -ManagementAddress (or Any), made or set; -Limit (sshd's own rule): an existing one is only ever narrowed.
function Set-FirewallRule {
    param([string] $Name, [string] $DisplayName, [int] $Port, [string] $Traffic = "inbound TCP $Port", [switch] $Limit)
    $remote = 'Any'
    if ($ManagementAddress) { $remote = $ManagementAddress }
    $existing = Get-NetFirewallRule -Name $Name -ErrorAction SilentlyContinue
    if ($null -ne $existing) {
        if ((-not $Limit -or $ManagementAddress) -and $PSCmdlet.ShouldProcess($Name, "Allow $Traffic from $($remote -join ', ') only")) {
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
    $hasHttps = Test-Listener -Transport 'HTTPS'
    if ($null -ne $certificate) {
        $fqdn = (Get-HostNames)[-1]
        $values = @{ Hostname = $fqdn; CertificateThumbprint = $certificate.Thumbprint }
        if ($hasHttps) {
            if ($PSCmdlet.ShouldProcess('WinRM HTTPS listener', "Use certificate $($certificate.Thumbprint)")) {
                Set-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTPS' } -ValueSet $values | Out-Null
            }
        }
        elseif ($PSCmdlet.ShouldProcess('WinRM HTTPS listener', "Create on port 5986 with certificate $($certificate.Thumbprint)")) {
            New-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTPS' } -ValueSet $values | Out-Null
        }
    }
    Set-FirewallRule -Name $winRmRuleName -DisplayName 'NestedHv Dashboard (WinRM HTTPS 5986)' -Port 5986
    if ($RemoveHttpListener -and (Test-Listener -Transport 'HTTP') -and $PSCmdlet.ShouldProcess('WinRM HTTP listener (5985)', 'Remove')) {
        Remove-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTP' }
    }
    if ($null -ne $certificate) {
        Write-Output "WinRM HTTPS listens on 5986 with certificate $($certificate.Thumbprint) (subject $($certificate.Subject))."
        if (-not $CertificateThumbprint -and $PSCmdlet.ShouldProcess($CertificateExportPath, 'Export the self-signed certificate (public part only)')) {
            Export-Certificate -Cert $certificate -FilePath $CertificateExportPath -Type CERT | Out-Null
            Write-Output "On the management box, trust it: Import-Certificate -FilePath $CertificateExportPath -CertStoreLocation Cert:\LocalMachine\Root"
        }
        Write-Output "In the dashboard's Connections form: address $fqdn, transport WinRM, HTTPS on, port 5986."
    }
}

function Get-PwshPath {
    $command = Get-Command -Name 'pwsh.exe' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -ne $command) { return $command.Source }
    $default = Join-Path $env:ProgramFiles 'PowerShell\7\pwsh.exe'
    if (Test-Path -LiteralPath $default) { return $default }
    throw 'PowerShell 7 is not installed: remoting over SSH needs it on the host (Windows PowerShell 5.1 cannot serve it). Install it (https://aka.ms/powershell-release?tag=stable), then run this again.'
}

function Enable-SshRemoting {
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
        # sshd_config allows no spaces in a subsystem's path: the short (8.3) form of the folder, as Microsoft's SSH remoting guide does.
        $shortPath = (New-Object -ComObject Scripting.FileSystemObject).GetFile($pwsh).ShortPath -replace '\\', '/'
        $line = "Subsystem powershell $shortPath -sshs -NoLogo"
        $kept = @(Get-Content -LiteralPath $sshConfig | Where-Object { $_ -ne $subsystemMarker -and $_ -notmatch '^\s*Subsystem\s+powershell\s' })
        # A Subsystem line must come before any Match block, or sshd reads it as part of that block.
        $at = 0
        while ($at -lt $kept.Count -and $kept[$at] -notmatch '^\s*Match\s') { $at++ }
        $updated = New-Object -TypeName System.Collections.Generic.List[string] -ArgumentList (, [string[]] $kept)
        $updated.InsertRange($at, [string[]] @($subsystemMarker, $line))
        Set-Content -LiteralPath $sshConfig -Value $updated.ToArray() -Encoding ASCII
    }
    if ($SshPublicKey -and $PSCmdlet.ShouldProcess($adminKeys, 'Add the dashboard account''s public key (Administrators and SYSTEM only)')) {
        $present = @()
        if (Test-Path -LiteralPath $adminKeys) { $present = @(Get-Content -LiteralPath $adminKeys) }
        if ($present -notcontains $SshPublicKey.Trim()) {
            Add-Content -LiteralPath $adminKeys -Value $SshPublicKey.Trim() -Encoding ASCII
        }
        # sshd ignores the file unless only Administrators and SYSTEM can touch it.
        $output = icacls.exe $adminKeys /inheritance:r /grant '*S-1-5-32-544:F' '*S-1-5-18:F' 2>&1 | Out-String
        if ($LASTEXITCODE -ne 0) {
            throw "icacls (administrators_authorized_keys) failed (exit code $LASTEXITCODE): $($output.Trim())"
        }
        Write-Verbose $output
    }
    Set-FirewallRule -Name $sshRuleName -DisplayName 'OpenSSH SSH Server (sshd)' -Port 22 -Traffic 'SSH' -Limit
    if ($PSCmdlet.ShouldProcess('sshd', 'Restart to read the new configuration')) {
        Restart-Service -Name 'sshd'
    }
    Write-Output "SSH remoting: PowerShell 7 ($pwsh) serves the 'powershell' subsystem. In the dashboard's Connections form: transport SSH, port 22, the private key of the account whose public key was added."
}

# The module as the dashboard exported it: its manifest and script, and the role lists it carries.
function Get-HostToolsModule {
    param([string] $Path)
    $manifest = Join-Path $Path "$moduleName.psd1"
    if (-not (Test-Path -LiteralPath $manifest) -or -not (Test-Path -LiteralPath (Join-Path $Path "$moduleName.psm1"))) {
        throw "-ModulePath '$Path' holds no $moduleName.psd1 and .psm1: export them on the management box with 'NestedHvDashboard.Web export-host-tools --to <folder>' and give that folder."
    }
    # Read as data, not imported: the role lists travel in the manifest's PrivateData.
    $data = Import-PowerShellDataFile -LiteralPath $manifest
    $identity = $data.PrivateData.NestedHvDashboard
    if ($null -eq $identity -or -not $identity.ViewerFunctions -or -not $identity.OperatorFunctions) {
        throw "$manifest carries no role lists (PrivateData.NestedHvDashboard): export it again with this release's 'NestedHvDashboard.Web export-host-tools'."
    }
    New-Object -TypeName PSObject -Property @{ Folder = $Path; Version = $data.ModuleVersion; Fingerprint = $identity.Fingerprint; ViewerFunctions = @($identity.ViewerFunctions); OperatorFunctions = @($identity.OperatorFunctions) }
}

function Get-HyperVAdministratorsName {
    # S-1-5-32-578 is Hyper-V Administrators in every language.
    try {
        $account = (New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList 'S-1-5-32-578').Translate([System.Security.Principal.NTAccount]).Value
        return $account.Substring($account.IndexOf('\') + 1)
    }
    catch {
        return 'Hyper-V Administrators'
    }
}

# Writes the module, its two role capabilities (New-PSRoleCapabilityFile) and the session configuration file
# (New-PSSessionConfigurationFile) into $ModuleRoot and $SessionFile.
function Write-JeaFiles {
    param([string] $ModuleRoot, [string] $SessionFile)
    New-Item -ItemType Directory -Path (Join-Path $ModuleRoot 'RoleCapabilities') -Force | Out-Null
    foreach ($file in @("$moduleName.psd1", "$moduleName.psm1")) {
        Copy-Item -LiteralPath (Join-Path $hostTools.Folder $file) -Destination (Join-Path $ModuleRoot $file) -Force
    }
    New-PSRoleCapabilityFile -Path (Join-Path $ModuleRoot 'RoleCapabilities\NestedHvViewer.psrc') -ModulesToImport $moduleName -VisibleFunctions $hostTools.ViewerFunctions `
        -Description "NestedHv Dashboard readers: inventory, watch, switches, guest networks ($moduleName $($hostTools.Version))"
    New-PSRoleCapabilityFile -Path (Join-Path $ModuleRoot 'RoleCapabilities\NestedHvOperator.psrc') -ModulesToImport $moduleName -VisibleFunctions $hostTools.OperatorFunctions `
        -Description "NestedHv Dashboard operators: reads and every change ($moduleName $($hostTools.Version))"
    $roles = @{}
    foreach ($principal in @($ViewerPrincipal)) { if ($principal) { $roles[$principal] = @{ RoleCapabilities = 'NestedHvViewer' } } }
    foreach ($principal in @($OperatorPrincipal)) { if ($principal) { $roles[$principal] = @{ RoleCapabilities = 'NestedHvOperator' } } }
    New-PSSessionConfigurationFile -Path $SessionFile -SessionType RestrictedRemoteServer -LanguageMode NoLanguage -RunAsVirtualAccount `
        -RunAsVirtualAccountGroups (Get-HyperVAdministratorsName) -TranscriptDirectory $TranscriptPath -RoleDefinitions $roles `
        -Description "NestedHv Dashboard's least-privilege endpoint ($moduleName $($hostTools.Version), fingerprint $($hostTools.Fingerprint))"
}

function Enable-Jea {
    $moduleRoot = Join-Path $env:ProgramFiles "WindowsPowerShell\Modules\$moduleName"
    $sessionFile = Join-Path $moduleRoot "$endpointName.pssc"
    if ($PSCmdlet.ShouldProcess($moduleRoot, "Install $moduleName $($hostTools.Version) with the roles NestedHvViewer and NestedHvOperator")) {
        Write-JeaFiles -ModuleRoot $moduleRoot -SessionFile $sessionFile
    }
    if ($PSCmdlet.ShouldProcess($endpointName, "Register the JEA endpoint (operators: $(@($OperatorPrincipal) -join ', '); viewers: $(@($ViewerPrincipal) -join ', '); transcripts in $TranscriptPath)")) {
        if (Get-PSSessionConfiguration -Name $endpointName -ErrorAction SilentlyContinue) {
            Unregister-PSSessionConfiguration -Name $endpointName -Force -NoServiceRestart
        }
        Register-PSSessionConfiguration -Name $endpointName -Path $sessionFile -Force | Out-Null
    }
    Write-Output "JEA endpoint '$endpointName' ($moduleName $($hostTools.Version)). In the dashboard's Connections form, set the host's Endpoint to $endpointName."
}

# Every input is checked before anything changes, so a wrong one leaves the host as it was.
function Assert-Input {
    if ($CertificateThumbprint -and $thumbprint -notmatch '^[0-9A-Fa-f]{40}$') {
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
        $script:pwsh = Get-PwshPath
    }
    if (($OperatorPrincipal -or $ViewerPrincipal -or $ModulePath) -and -not $Jea -and -not $ExportJeaFiles) {
        throw '-OperatorPrincipal, -ViewerPrincipal and -ModulePath go with -Jea.'
    }
    if ($Jea -or $ExportJeaFiles) {
        if (-not $OperatorPrincipal -and -not $ViewerPrincipal) {
            throw '-Jea needs -OperatorPrincipal or -ViewerPrincipal: the groups or accounts that may connect, and as which role.'
        }
        foreach ($principal in @($OperatorPrincipal) + @($ViewerPrincipal)) {
            if ($principal -and $principal -notmatch '^[^\\/:*?"<>|]+\\[^\\/:*?"<>|]+$') {
                throw "-OperatorPrincipal/-ViewerPrincipal '$principal' is not DOMAIN\name (a group or an account)."
            }
        }
        if (-not $ModulePath) {
            throw '-Jea needs -ModulePath: the folder that NestedHvDashboard.Web export-host-tools wrote.'
        }
        $script:hostTools = Get-HostToolsModule -Path $ModulePath
    }
}

function Disable-DashboardAccess {
    if ((Get-NetFirewallRule -Name $winRmRuleName -ErrorAction SilentlyContinue) -and $PSCmdlet.ShouldProcess($winRmRuleName, 'Remove the firewall rule')) {
        Remove-NetFirewallRule -Name $winRmRuleName
    }
    if ((Test-Listener -Transport 'HTTPS') -and $PSCmdlet.ShouldProcess('WinRM HTTPS listener', 'Remove')) {
        Remove-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{ Address = '*'; Transport = 'HTTPS' }
    }
    if (-not (Test-Listener -Transport 'HTTP') -and $PSCmdlet.ShouldProcess('WinRM HTTP listener (5985)', 'Put back the default listener')) {
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
    if ((Get-PSSessionConfiguration -Name $endpointName -ErrorAction SilentlyContinue) -and $PSCmdlet.ShouldProcess($endpointName, 'Unregister the JEA endpoint')) {
        Unregister-PSSessionConfiguration -Name $endpointName -Force
    }
    $moduleRoot = Join-Path $env:ProgramFiles "WindowsPowerShell\Modules\$moduleName"
    if ((Test-Path -LiteralPath $moduleRoot) -and $PSCmdlet.ShouldProcess($moduleRoot, "Remove $moduleName and its role capabilities")) {
        Remove-Item -LiteralPath $moduleRoot -Recurse -Force
    }
    Write-Output 'Removed the WinRM HTTPS listener and its firewall rule, the JEA endpoint and its module, and the SSH subsystem this script added. The OpenSSH Server capability, sshd''s own firewall rule, keys and certificates are left as they are.'
}

# -WhatIf changes nothing, so it needs no administrator: anyone can see what the script would do.
if (-not $WhatIfPreference -and -not $ExportJeaFiles) {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object -TypeName System.Security.Principal.WindowsPrincipal -ArgumentList $identity
    if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'Run this script as an administrator: it changes WinRM listeners, the firewall and sshd.'
    }
}
if (-not $TranscriptPath) {
    $TranscriptPath = Join-Path $programData 'NestedHvDashboard\Transcripts'
}
if ($Remove) {
    Disable-DashboardAccess
    return
}
Assert-Input
if ($ExportJeaFiles) {
    # Files only, for review: nothing on this machine is registered or changed, so no administrator is needed.
    Write-JeaFiles -ModuleRoot (Join-Path $ExportJeaFiles $moduleName) -SessionFile (Join-Path $ExportJeaFiles "$endpointName.pssc")
    Write-Output "Wrote $moduleName $($hostTools.Version), its role capabilities and $endpointName.pssc to $ExportJeaFiles."
    return
}
Enable-WinRmHttps
if ($Ssh) {
    Enable-SshRemoting
}
if ($Jea) {
    Enable-Jea
}
if ($WhatIfPreference) {
    Write-Output 'WhatIf: nothing was changed.'
}
