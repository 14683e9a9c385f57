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
