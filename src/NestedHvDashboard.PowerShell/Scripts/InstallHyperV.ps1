param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][pscredential] $Credential)
$ErrorActionPreference = 'Stop'
$null = Find-DashboardVm -VMId $VMId
# Server restarts itself (-Restart); a client's DISM cmdlet cannot restart over PowerShell Direct, so the
# dashboard restarts that VM from the host afterwards.
Invoke-DashboardGuestCommand -VMId $VMId -Credential $Credential -ScriptBlock {
    $ErrorActionPreference = 'Stop'
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    if ([int]$os.ProductType -ne 1) {
        $result = Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart
        [pscustomobject]@{ Kind = 'HyperVInstall'; IsServer = $true; RestartNeeded = [string]$result.RestartNeeded -ne 'No'; Command = 'Install-WindowsFeature -Name Hyper-V -IncludeManagementTools -Restart' }
    }
    else {
        $result = Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All -NoRestart
        [pscustomobject]@{ Kind = 'HyperVInstall'; IsServer = $false; RestartNeeded = [bool]$result.RestartNeeded; Command = 'Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All -NoRestart' }
    }
}
