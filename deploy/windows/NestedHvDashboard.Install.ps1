# The building blocks of Install-NestedHvDashboard.ps1: the release, the HTTPS certificate, the health check and the
# service's settings. Not run on its own: the installer dot-sources it, so these functions share the installer's
# parameters, constants and -WhatIf exactly as if they were written in it. It ships beside the installer in deploy/windows.

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
