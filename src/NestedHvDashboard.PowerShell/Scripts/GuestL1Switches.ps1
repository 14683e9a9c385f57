param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][pscredential] $Credential)
$ErrorActionPreference = 'Stop'
$null = Find-DashboardVm -VMId $VMId
# Runs inside the L1 guest over PowerShell Direct and changes nothing: does Hyper-V run there, the guest's network adapters,
# its virtual switches (an external one with the adapter it is bound to) and each L2 VM adapter with the switch it is on.
Invoke-DashboardGuestCommand -VMId $VMId -Credential $Credential -ScriptBlock {
    $ErrorActionPreference = 'Stop'
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    if ([int]$os.ProductType -ne 1) {
        $installed = [string](Get-WindowsFeature -Name Hyper-V).InstallState -eq 'Installed'
    }
    else {
        $installed = [string](Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V).State -eq 'Enabled'
    }
    [pscustomobject]@{ Kind = 'GuestHyperV'; Runs = $installed }
    $adapters = @(Get-NetAdapter)
    foreach ($adapter in $adapters) {
        [pscustomobject]@{ Kind = 'NetAdapter'; Name = [string]$adapter.Name; InterfaceDescription = [string]$adapter.InterfaceDescription; Status = [string]$adapter.Status; MacAddress = [string]$adapter.MacAddress }
    }
    if (-not $installed) { return }
    foreach ($switch in @(Get-VMSwitch)) {
        # Get-VMSwitch names the bound adapter by its description; the user knows it by its name.
        $bound = ''
        if ([string]$switch.NetAdapterInterfaceDescription) {
            $matched = @($adapters | Where-Object { [string]$_.InterfaceDescription -eq [string]$switch.NetAdapterInterfaceDescription })
            if ($matched.Count -gt 0) { $bound = [string]$matched[0].Name }
        }
        [pscustomobject]@{ Kind = 'Switch'; Name = [string]$switch.Name; SwitchType = [string]$switch.SwitchType; NetAdapterName = $bound }
    }
    foreach ($vm in @(Get-VM)) {
        foreach ($nic in @(Get-VMNetworkAdapter -VM $vm)) {
            [pscustomobject]@{ Kind = 'L2Adapter'; VmName = [string]$vm.Name; AdapterName = [string]$nic.Name; SwitchName = [string]$nic.SwitchName; MacAddress = [string]$nic.MacAddress }
        }
    }
}
