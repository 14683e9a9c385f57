<#
.SYNOPSIS
Installs, upgrades or removes NestedHv Dashboard as a Windows service on a management box.

.DESCRIPTION
Runs on Windows PowerShell 5.1 and on PowerShell 7, as an administrator. -WhatIf shows every change and makes none.

Install (the default): copies a published win-x64 release (folder or zip from ./build.sh publish) to
<InstallPath>\app, creates the service "NestedHvDashboard" under the virtual account NT SERVICE\NestedHvDashboard (or
the gMSA given by -ServiceAccount), restarts it on failure, gives the data folder an ACL for that account and the
Administrators only, serves HTTPS on -Port with the machine certificate -CertificateThumbprint names (or a new
self-signed one, only with -SelfSigned), opens the firewall for that port (optionally only for -FirewallRemoteAddress),
binds HTTP.sys's URL and certificate when -WindowsAuthentication is on, and waits for /healthz.

-Upgrade: stops the service, backs up the database (SQLite online backup or pg_dump) and the keys into
<DataPath>\backups\<time>-<version>, swaps the binaries, starts and checks /healthz, and rolls back (old binaries,
database and keys) when the new version does not come up.

-Uninstall: removes the service, its firewall rule, HTTP.sys bindings and binaries; keeps the data unless -RemoveData.

.EXAMPLE
.\Install-NestedHvDashboard.ps1 -Source .\NestedHvDashboard-1.2.0-win-x64.zip -CertificateThumbprint 0123...ABCD -FirewallRemoteAddress 10.0.0.0/24

.EXAMPLE
.\Install-NestedHvDashboard.ps1 -Upgrade -Source .\NestedHvDashboard-1.3.0-win-x64.zip
#>
[CmdletBinding(SupportsShouldProcess = $true, DefaultParameterSetName = 'Install')]
param(
    [Parameter(Mandatory = $true, ParameterSetName = 'Install')]
    [Parameter(Mandatory = $true, ParameterSetName = 'Upgrade')]
    [string] $Source,

    [Parameter(Mandatory = $true, ParameterSetName = 'Upgrade')]
    [switch] $Upgrade,

    [Parameter(Mandatory = $true, ParameterSetName = 'Uninstall')]
    [switch] $Uninstall,

    [Parameter(ParameterSetName = 'Uninstall')]
    [switch] $RemoveData,

    [string] $InstallPath = (Join-Path $env:ProgramFiles 'NestedHvDashboard'),

    [string] $DataPath = (Join-Path $env:ProgramData 'NestedHvDashboard'),

    [Parameter(ParameterSetName = 'Install')]
    [ValidateRange(1, 65535)]
    [int] $Port = 5443,

    [Parameter(ParameterSetName = 'Install')]
    [string] $CertificateThumbprint,

    [Parameter(ParameterSetName = 'Install')]
    [switch] $SelfSigned,

    [Parameter(ParameterSetName = 'Install')]
    [string] $ServiceAccount,

    [Parameter(ParameterSetName = 'Install')]
    [string[]] $FirewallRemoteAddress,

    [Parameter(ParameterSetName = 'Install')]
    [switch] $WindowsAuthentication,

    [ValidateRange(5, 3600)]
    [int] $HealthTimeoutSeconds = 120
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

$serviceName = 'NestedHvDashboard'
$virtualAccount = 'NT SERVICE\NestedHvDashboard'
$firewallRuleName = 'NestedHvDashboard-Https'
$eventSource = 'NestedHv Dashboard'
# HTTP.sys's certificate binding names the application that owns it; any fixed GUID, the same at install and removal.
$httpSysAppId = '{6f1c7a52-8d0e-4d7b-9a3c-2f5b1e0c9d41}'
$appPath = Join-Path $InstallPath 'app'
$serviceKey = "HKLM:\SYSTEM\CurrentControlSet\Services\$serviceName"

# The building blocks (Invoke-Native, Get-Release, Get-HttpsCertificate, Wait-Healthy, the service's settings) live beside
# this script; dot-sourced, they share its parameters, constants and -WhatIf as if they were written here.
. (Join-Path $PSScriptRoot 'NestedHvDashboard.Install.ps1')

function Assert-Administrator {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object -TypeName System.Security.Principal.WindowsPrincipal -ArgumentList $identity
    if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'Run this script as an administrator: it creates a service, a firewall rule and folder ACLs.'
    }
}

# Runs a verb of the installed app (backup, restore) with the service's settings, as the service would see them.
function Invoke-DashboardVerb {
    param([string] $Exe, [string[]] $Arguments)
    $settings = Get-ServiceSettings
    $saved = @{}
    foreach ($name in $settings.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name, 'Process')
        [Environment]::SetEnvironmentVariable($name, $settings[$name], 'Process')
    }
    try {
        Invoke-Native -What "NestedHvDashboard.Web.exe $($Arguments[0])" -Command { & $Exe @Arguments }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name], 'Process') }
    }
}

function Install-Dashboard {
    if (Get-Service -Name $serviceName -ErrorAction SilentlyContinue) {
        throw "The service $serviceName is already installed; use -Upgrade, or -Uninstall first."
    }
    # Every input is checked before the first change (the self-signed certificate), so a wrong one changes nothing.
    $release = Get-Release -Path $Source
    $account = $virtualAccount
    if ($ServiceAccount) {
        if ($ServiceAccount -notmatch '^[^\\]+\\[^\\]+\$$') {
            throw "-ServiceAccount '$ServiceAccount' is not a group managed service account (DOMAIN\name$). Leave it out for the virtual account $virtualAccount."
        }
        $account = $ServiceAccount
    }
    foreach ($address in @($FirewallRemoteAddress)) {
        if ($null -ne $address -and $address -notmatch '^[0-9A-Fa-f:.]+(/\d{1,3})?$' -and $address -notmatch '^[0-9.]+-[0-9.]+$') {
            throw "-FirewallRemoteAddress '$address' is not an IP address, a subnet (10.0.0.0/24) or a range (10.0.0.5-10.0.0.9)."
        }
    }
    $certificate = Get-HttpsCertificate
    $thumbprint = ''
    if ($null -ne $certificate) { $thumbprint = $certificate.Thumbprint }

    if ($PSCmdlet.ShouldProcess($appPath, "Copy version $($release.Version) from $($release.Folder)")) {
        New-Item -ItemType Directory -Path $InstallPath -Force | Out-Null
        Copy-Item -LiteralPath $release.Folder -Destination $appPath -Recurse
    }
    if ($PSCmdlet.ShouldProcess($DataPath, "Create the data folder, readable only by $account and the Administrators")) {
        New-Item -ItemType Directory -Path $DataPath -Force | Out-Null
        # *S-1-5-32-544 is the Administrators group in every language; inheritance off so nothing else keeps access.
        Invoke-Native -What 'icacls (data folder)' -Command { icacls.exe $DataPath /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' "${account}:(OI)(CI)M" }
    }
    $passwordFile = Join-Path $DataPath 'admin-password'
    if ($PSCmdlet.ShouldProcess($passwordFile, 'Write the first administrator''s generated password')) {
        if (-not (Test-Path -LiteralPath $passwordFile)) {
            $bytes = New-Object -TypeName 'byte[]' -ArgumentList 18
            [System.Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($bytes)
            $password = 'Nh-' + ([Convert]::ToBase64String($bytes) -replace '[+/=]', 'x') + '7a'
            Set-Content -LiteralPath $passwordFile -Value $password -Encoding ASCII
        }
    }

    $settings = @(
        'ASPNETCORE_ENVIRONMENT=Production',
        "DataFolder=$DataPath",
        "ASPNETCORE_URLS=https://+:$Port",
        "Auth__BootstrapAdminPasswordFile=$passwordFile"
    )
    if ($WindowsAuthentication) {
        # HTTP.sys serves instead of Kestrel; it takes its certificate from the netsh binding below.
        $settings += 'Auth__Windows__Enabled=true'
    }
    elseif ($null -ne $certificate) {
        $settings += @("Kestrel__Certificates__Default__Subject=$($certificate.GetNameInfo('SimpleName', $false))", 'Kestrel__Certificates__Default__Store=My', 'Kestrel__Certificates__Default__Location=LocalMachine')
    }

    $exe = Join-Path $appPath 'NestedHvDashboard.Web.exe'
    if ($PSCmdlet.ShouldProcess($serviceName, "Create the service running $exe as $account, restarted on failure")) {
        New-Service -Name $serviceName -BinaryPathName "`"$exe`"" -DisplayName 'NestedHv Dashboard' -Description 'Hyper-V hosts and VMs live, nested virtualization on or off in one click.' -StartupType Automatic | Out-Null
        Invoke-Native -What 'sc.exe config (account)' -Command { sc.exe config $serviceName obj= $account }
        Invoke-Native -What 'sc.exe failure (recovery)' -Command { sc.exe failure $serviceName reset= 86400 actions= restart/5000/restart/10000/restart/60000 }
        New-ItemProperty -LiteralPath $serviceKey -Name 'Environment' -PropertyType MultiString -Value $settings -Force | Out-Null
    }
    # The service writes warnings and errors to the Application log under this source; only an administrator may create it.
    if ($PSCmdlet.ShouldProcess($eventSource, 'Create the Application event log source, if missing')) {
        if (-not [System.Diagnostics.EventLog]::SourceExists($eventSource)) {
            [System.Diagnostics.EventLog]::CreateEventSource($eventSource, 'Application')
        }
    }
    if ($null -ne $certificate -and -not $WindowsAuthentication) {
        Grant-PrivateKeyRead -Certificate $certificate -Account $account
    }
    if ($WindowsAuthentication -and $PSCmdlet.ShouldProcess("https://+:$Port/", 'Reserve the HTTP.sys URL for the service and bind the certificate')) {
        Invoke-Native -What 'netsh http add urlacl' -Command { netsh.exe http add urlacl "url=https://+:$Port/" "user=$account" }
        Invoke-Native -What 'netsh http add sslcert' -Command { netsh.exe http add sslcert "ipport=0.0.0.0:$Port" "certhash=$thumbprint" "appid=$httpSysAppId" 'certstorename=MY' }
    }
    $remote = 'Any'
    if ($FirewallRemoteAddress) { $remote = $FirewallRemoteAddress }
    if ($PSCmdlet.ShouldProcess($firewallRuleName, "Allow inbound TCP $Port from $($remote -join ', ')")) {
        New-NetFirewallRule -Name $firewallRuleName -DisplayName "NestedHv Dashboard (HTTPS $Port)" -Direction Inbound -Protocol TCP -LocalPort $Port -RemoteAddress $remote -Action Allow -Profile Any | Out-Null
    }
    if ($PSCmdlet.ShouldProcess($serviceName, 'Start the service')) {
        Start-Service -Name $serviceName
    }
    if (-not (Wait-Healthy -ListenPort $Port -Thumbprint $thumbprint -ExpectedVersion $release.Version)) {
        throw "Version $($release.Version) was installed but did not come up. See the Application event log and $DataPath\logs; -Uninstall removes it."
    }
    if ($WhatIfPreference) {
        Write-Output "WhatIf: nothing was changed. Without -WhatIf, version $($release.Version) would be installed as above."
        return
    }
    Write-Output "Installed NestedHv Dashboard $($release.Version) on https://$($env:COMPUTERNAME):$Port/. Sign in as admin with the password in $passwordFile, then change it."
}

function Update-Dashboard {
    $service = Get-Service -Name $serviceName -ErrorAction SilentlyContinue
    if ($null -eq $service) {
        throw "The service $serviceName is not installed; install it first (without -Upgrade)."
    }
    $release = Get-Release -Path $Source
    $port = Get-ServicePort
    $thumbprint = Get-ServiceThumbprint -ListenPort $port
    $exe = Join-Path $appPath 'NestedHvDashboard.Web.exe'
    $oldVersion = (& $exe 'version' | Select-Object -Last 1)
    $stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')
    $backup = Join-Path $DataPath "backups\$stamp-$oldVersion"
    $previous = Join-Path $InstallPath 'app.previous'
    Write-Output "Upgrading $oldVersion to $($release.Version)."

    if ($PSCmdlet.ShouldProcess($serviceName, 'Stop the service')) {
        Stop-Service -Name $serviceName
    }
    if ($PSCmdlet.ShouldProcess($backup, 'Back up the database and the keys')) {
        try {
            Invoke-DashboardVerb -Exe $exe -Arguments @('backup', '--to', $backup)
        }
        catch {
            Start-Service -Name $serviceName
            throw "The backup failed, so nothing was changed and $oldVersion runs again: $($_.Exception.Message)"
        }
    }
    if ($PSCmdlet.ShouldProcess($appPath, "Replace version $oldVersion with $($release.Version); keep the old one in $previous")) {
        if (Test-Path -LiteralPath $previous) { Remove-Item -LiteralPath $previous -Recurse -Force }
        Rename-Item -LiteralPath $appPath -NewName 'app.previous'
        Copy-Item -LiteralPath $release.Folder -Destination $appPath -Recurse
    }
    if ($PSCmdlet.ShouldProcess($serviceName, 'Start the service')) {
        Start-Service -Name $serviceName
    }
    if ($WhatIfPreference) {
        Write-Output "WhatIf: nothing was changed. Without -WhatIf, $oldVersion would be upgraded to $($release.Version) as above."
        return
    }
    if (Wait-Healthy -ListenPort $port -Thumbprint $thumbprint -ExpectedVersion $release.Version) {
        Write-Output "Upgraded to $($release.Version); the backup of $oldVersion is in $backup."
        return
    }

    Write-Warning "Version $($release.Version) did not come up: rolling back to $oldVersion."
    Stop-Service -Name $serviceName -ErrorAction SilentlyContinue
    $failed = Join-Path $InstallPath "app.failed-$stamp"
    Rename-Item -LiteralPath $appPath -NewName (Split-Path -Leaf $failed)
    Rename-Item -LiteralPath $previous -NewName 'app'
    Invoke-DashboardVerb -Exe $exe -Arguments @('restore', '--from', $backup)
    Start-Service -Name $serviceName
    if (Wait-Healthy -ListenPort $port -Thumbprint $thumbprint -ExpectedVersion $oldVersion) {
        throw "Version $($release.Version) failed to start; rolled back to $oldVersion with the database and keys of $backup. The failed release stays in $failed for a look."
    }
    throw "Version $($release.Version) failed to start, and after the roll back $oldVersion does not come up either; see the Application event log and $DataPath\logs."
}

function Uninstall-Dashboard {
    $service = Get-Service -Name $serviceName -ErrorAction SilentlyContinue
    $port = $null
    if ($null -ne $service) {
        try { $port = Get-ServicePort } catch { Write-Warning $_.Exception.Message }
        if ($PSCmdlet.ShouldProcess($serviceName, 'Stop and remove the service')) {
            Stop-Service -Name $serviceName -ErrorAction SilentlyContinue
            # Remove-Service exists only from PowerShell 6; sc.exe works on both.
            Invoke-Native -What 'sc.exe delete' -Command { sc.exe delete $serviceName }
        }
    }
    if ((Get-NetFirewallRule -Name $firewallRuleName -ErrorAction SilentlyContinue) -and $PSCmdlet.ShouldProcess($firewallRuleName, 'Remove the firewall rule')) {
        Remove-NetFirewallRule -Name $firewallRuleName
    }
    if ($null -ne $port -and $PSCmdlet.ShouldProcess("https://+:$port/", 'Remove the HTTP.sys URL reservation and certificate binding, if any')) {
        # Absent when Windows sign-in was off: nothing to undo, and netsh says so with a non-zero exit code.
        netsh.exe http delete urlacl "url=https://+:$port/" | Out-Null
        netsh.exe http delete sslcert "ipport=0.0.0.0:$port" | Out-Null
    }
    if ($PSCmdlet.ShouldProcess($eventSource, 'Remove the Application event log source, if present')) {
        if ([System.Diagnostics.EventLog]::SourceExists($eventSource)) {
            [System.Diagnostics.EventLog]::DeleteEventSource($eventSource)
        }
    }
    if ((Test-Path -LiteralPath $InstallPath) -and $PSCmdlet.ShouldProcess($InstallPath, 'Delete the binaries')) {
        Remove-Item -LiteralPath $InstallPath -Recurse -Force
    }
    if ($RemoveData) {
        if ((Test-Path -LiteralPath $DataPath) -and $PSCmdlet.ShouldProcess($DataPath, 'Delete the data: database, keys, logs and backups')) {
            Remove-Item -LiteralPath $DataPath -Recurse -Force
        }
    }
    else {
        Write-Output "Kept the data in $DataPath (database, keys, logs, backups); -RemoveData deletes it."
    }
}

# -WhatIf changes nothing, so it needs no administrator: anyone can see what an install or upgrade would do.
if (-not $WhatIfPreference) {
    Assert-Administrator
}
if ($Uninstall) {
    Uninstall-Dashboard
}
elseif ($Upgrade) {
    Update-Dashboard
}
else {
    Install-Dashboard
}
