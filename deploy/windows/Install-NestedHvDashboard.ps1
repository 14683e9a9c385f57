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

function Assert-Administrator {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object -TypeName System.Security.Principal.WindowsPrincipal -ArgumentList $identity
    if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'Run this script as an administrator: it creates a service, a firewall rule and folder ACLs.'
    }
}

# Runs a native tool and stops on a non-zero exit code, naming the tool and its output.
function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    $output = & $Command 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) {
        throw "$What failed (exit code $LASTEXITCODE): $($output.Trim())"
    }
    Write-Verbose $output
}

# The published release, unpacked when it is a zip; its folder holds NestedHvDashboard.Web.exe and wwwroot.
function Get-Release {
    param([string] $Path)
    if (-not (Test-Path -LiteralPath $Path)) {
        throw "-Source '$Path' does not exist. Give the win-x64 folder or zip that ./build.sh publish made."
    }
    $folder = (Resolve-Path -LiteralPath $Path).ProviderPath
    if ((Get-Item -LiteralPath $folder) -isnot [System.IO.DirectoryInfo]) {
        if ([System.IO.Path]::GetExtension($folder) -ne '.zip') {
            throw "-Source '$Path' is neither a folder nor a .zip."
        }
        $unpacked = Join-Path ([System.IO.Path]::GetTempPath()) ("NestedHvDashboard-" + [guid]::NewGuid().ToString('N'))
        # Into a temporary folder, also under -WhatIf: the release must be read to say what would be installed.
        Expand-Archive -LiteralPath $folder -DestinationPath $unpacked -WhatIf:$false
        $folder = $unpacked
        $inner = @(Get-ChildItem -LiteralPath $folder)
        if (-not (Test-Path -LiteralPath (Join-Path $folder 'NestedHvDashboard.Web.dll')) -and $inner.Count -eq 1 -and $inner[0].PSIsContainer) {
            $folder = $inner[0].FullName
        }
    }
    if (-not (Test-Path -LiteralPath (Join-Path $folder 'NestedHvDashboard.Web.exe'))) {
        throw "-Source '$Path' holds no NestedHvDashboard.Web.exe: give the win-x64 release that ./build.sh publish made."
    }
    if (-not (Test-Path -LiteralPath (Join-Path $folder 'wwwroot'))) {
        throw "-Source '$Path' has no wwwroot folder: it is a build, not a published release."
    }
    $version = (& (Join-Path $folder 'NestedHvDashboard.Web.exe') 'version' | Select-Object -Last 1)
    if ($LASTEXITCODE -ne 0 -or [string]::IsNullOrWhiteSpace($version)) {
        throw "-Source '$Path' does not run ('NestedHvDashboard.Web.exe version' failed). Is the ASP.NET Core 10 runtime (Hosting Bundle) installed?"
    }
    New-Object -TypeName PSObject -Property @{ Folder = $folder; Version = $version.Trim() }
}

# The service's settings live in its registry Environment value (REG_MULTI_SZ of NAME=value), kept across upgrades.
function Get-ServiceSettings {
    $values = @{}
    $item = Get-ItemProperty -LiteralPath $serviceKey -Name 'Environment' -ErrorAction SilentlyContinue
    if ($null -ne $item) {
        foreach ($line in $item.Environment) {
            $at = $line.IndexOf('=')
            if ($at -gt 0) { $values[$line.Substring(0, $at)] = $line.Substring($at + 1) }
        }
    }
    $values
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

function Get-HttpsCertificate {
    if ($CertificateThumbprint -and $SelfSigned) {
        throw 'Give either -CertificateThumbprint or -SelfSigned, not both.'
    }
    if ($CertificateThumbprint) {
        $thumbprint = $CertificateThumbprint -replace '[\s:]', ''
        if ($thumbprint -notmatch '^[0-9A-Fa-f]{40}$') {
            throw "-CertificateThumbprint '$CertificateThumbprint' is not a certificate thumbprint (40 hexadecimal digits)."
        }
        $certificate = Get-Item -LiteralPath "Cert:\LocalMachine\My\$thumbprint" -ErrorAction SilentlyContinue
        if ($null -eq $certificate) {
            throw "No certificate with thumbprint $thumbprint is in the machine store (Cert:\LocalMachine\My). Import it there first, or use -SelfSigned for a trial."
        }
        if (-not $certificate.HasPrivateKey) {
            throw "The certificate $thumbprint in Cert:\LocalMachine\My has no private key; import the PFX with its key."
        }
        return $certificate
    }
    if (-not $SelfSigned) {
        throw 'HTTPS needs a certificate: give -CertificateThumbprint of one in Cert:\LocalMachine\My, or -SelfSigned to make one (browsers will warn).'
    }
    $names = @($env:COMPUTERNAME)
    $fqdn = [System.Net.Dns]::GetHostEntry('localhost').HostName
    if ($fqdn -and $names -notcontains $fqdn) { $names += $fqdn }
    if ($PSCmdlet.ShouldProcess("Cert:\LocalMachine\My", "Create a self-signed certificate for $($names -join ', ')")) {
        return New-SelfSignedCertificate -DnsName $names -CertStoreLocation 'Cert:\LocalMachine\My' -KeyExportPolicy NonExportable -NotAfter (Get-Date).AddYears(2) -FriendlyName 'NestedHv Dashboard (self-signed)'
    }
    $null
}

# Kestrel reads the certificate from the store as the service account: give that account read access to its private key.
function Grant-PrivateKeyRead {
    param($Certificate, [string] $Account)
    $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    if ($rsa -is [System.Security.Cryptography.RSACng]) {
        $file = Join-Path $env:ProgramData "Microsoft\Crypto\Keys\$($rsa.Key.UniqueName)"
    }
    else {
        $file = Join-Path $env:ProgramData "Microsoft\Crypto\RSA\MachineKeys\$($rsa.CspKeyContainerInfo.UniqueKeyContainerName)"
    }
    if ($PSCmdlet.ShouldProcess($file, "Grant $Account read access to the certificate's private key")) {
        Invoke-Native -What 'icacls (private key)' -Command { icacls.exe $file /grant "${Account}:R" }
    }
}

function Wait-Healthy {
    param([int] $ListenPort, [string] $Thumbprint, [string] $ExpectedVersion)
    if ($WhatIfPreference) { return $true }
    # A probe that trusts exactly the dashboard's own certificate (by thumbprint), on both Windows PowerShell 5.1 and 7.
    if (-not ('NestedHvHealthProbe' -as [type])) {
        Add-Type -TypeDefinition @'
public static class NestedHvHealthProbe
{
    // The X-NestedHv-Version header of a 200 answer (the build that answers).
    public static string Get(string url, string thumbprint, int timeoutMs)
    {
        var request = (System.Net.HttpWebRequest)System.Net.WebRequest.Create(url);
        request.Timeout = timeoutMs;
        request.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
            certificate != null && string.Equals(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate).Thumbprint, thumbprint, System.StringComparison.OrdinalIgnoreCase);
        using (var response = (System.Net.HttpWebResponse)request.GetResponse())
        {
            return response.Headers["X-NestedHv-Version"];
        }
    }
}
'@
    }
    $url = "https://localhost:$ListenPort/healthz"
    $deadline = (Get-Date).AddSeconds($HealthTimeoutSeconds)
    while ((Get-Date) -lt $deadline) {
        $service = Get-Service -Name $serviceName
        if ($service.Status -eq 'Stopped') {
            Write-Warning "The service stopped while starting; see the Application event log and $DataPath\logs."
            return $false
        }
        try {
            $seen = [NestedHvHealthProbe]::Get($url, $Thumbprint, 5000)
            if ($seen -eq $ExpectedVersion) {
                Write-Output "$url answers: ok, version $seen"
                return $true
            }
        }
        catch {
            Write-Verbose "Not up yet: $($_.Exception.Message)"
        }
        Start-Sleep -Seconds 2
    }
    Write-Warning "$url did not report version $ExpectedVersion within $HealthTimeoutSeconds s."
    $false
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

function Get-ServicePort {
    $settings = Get-ServiceSettings
    $urls = [string]$settings['ASPNETCORE_URLS']
    if ($urls -match ':(\d+)/?$') { return [int]$Matches[1] }
    throw "The service's ASPNETCORE_URLS ('$urls') names no port; set it in $serviceKey\Environment."
}

function Get-ServiceThumbprint {
    param([int] $ListenPort)
    $settings = Get-ServiceSettings
    $subject = [string]$settings['Kestrel__Certificates__Default__Subject']
    $candidates = @(Get-ChildItem -LiteralPath 'Cert:\LocalMachine\My' | Where-Object { $_.HasPrivateKey -and $_.GetNameInfo('SimpleName', $false) -eq $subject } | Sort-Object -Property NotAfter -Descending)
    if ($candidates.Count -gt 0) { return $candidates[0].Thumbprint }
    # HTTP.sys (Windows sign-in): the netsh binding holds the hash.
    $binding = netsh.exe http show sslcert "ipport=0.0.0.0:$ListenPort" | Out-String
    if ($binding -match 'Certificate Hash\s*:\s*([0-9a-fA-F]{40})') { return $Matches[1] }
    throw "The service's HTTPS certificate cannot be found (subject '$subject', no HTTP.sys binding on port $ListenPort)."
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
