param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][pscredential] $Credential)
$ErrorActionPreference = 'Stop'
$null = Find-DashboardVm -VMId $VMId
# Runs inside the guest over PowerShell Direct; everything it returns is a flat row.
Invoke-DashboardGuestCommand -VMId $VMId -Credential $Credential -ScriptBlock {
    $ErrorActionPreference = 'Stop'
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $isServer = [int]$os.ProductType -ne 1
    $hyperV = 'NotInstalled'
    if ($isServer) {
        $state = [string](Get-WindowsFeature -Name Hyper-V).InstallState
        if ($state -eq 'Installed') { $hyperV = 'Installed' } elseif ($state -eq 'InstallPending') { $hyperV = 'RestartPending' }
    }
    else {
        $state = [string](Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V).State
        if ($state -eq 'Enabled') { $hyperV = 'Installed' } elseif ($state -eq 'EnablePending') { $hyperV = 'RestartPending' }
    }
    [pscustomobject]@{ Kind = 'GuestOs'; Caption = [string]$os.Caption; Version = [string]$os.Version; IsServer = $isServer; HyperV = $hyperV }

    # Virtualization-based security (Win32_DeviceGuard: Windows 10 / Server 2016 on; services 1 Credential Guard, 2 HVCI)
    # and the hypervisor's boot setting (bcdedit needs an elevated administrator: without it the setting stays unknown).
    $vbs = $null; $configured = ''; $running = ''
    try {
        $guard = Get-CimInstance -Namespace 'root\Microsoft\Windows\DeviceGuard' -ClassName Win32_DeviceGuard -ErrorAction Stop
        if ($null -ne $guard) {
            $vbs = [int]$guard.VirtualizationBasedSecurityStatus
            $configured = (@($guard.SecurityServicesConfigured) | Where-Object { $null -ne $_ } | ForEach-Object { [int]$_ }) -join ','
            $running = (@($guard.SecurityServicesRunning) | Where-Object { $null -ne $_ } | ForEach-Object { [int]$_ }) -join ','
        }
    }
    catch { $vbs = $null }
    $launchType = ''
    try {
        $boot = @(bcdedit.exe /enum '{current}' 2>$null)
        if (@($boot | Where-Object { [string]$_ -match '\{current\}' }).Count -gt 0) {
            $launchType = 'NotSet'
            foreach ($line in $boot) {
                if ([string]$line -match '^\s*hypervisorlaunchtype\s+(\S+)') { $launchType = $Matches[1] }
            }
        }
    }
    catch { $launchType = '' }
    [pscustomobject]@{ Kind = 'GuestSecurity'; VbsStatus = $vbs; ServicesConfigured = $configured; ServicesRunning = $running; LaunchType = $launchType }

    # Without the running Hyper-V role the guest has no Hyper-V module, so no switches.
    if ($hyperV -eq 'Installed') {
        foreach ($switch in @(Get-VMSwitch)) {
            [pscustomobject]@{ Kind = 'Switch'; Name = [string]$switch.Name; SwitchType = [string]$switch.SwitchType }
        }
    }
    foreach ($nat in @(Get-NetNat)) {
        [pscustomobject]@{ Kind = 'Nat'; Name = [string]$nat.Name; InternalIPInterfaceAddressPrefix = [string]$nat.InternalIPInterfaceAddressPrefix }
    }
    foreach ($address in @(Get-NetIPAddress -AddressFamily IPv4)) {
        [pscustomobject]@{ Kind = 'Address'; IPAddress = [string]$address.IPAddress; PrefixLength = [int]$address.PrefixLength; InterfaceAlias = [string]$address.InterfaceAlias }
    }
}
