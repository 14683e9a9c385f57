param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][pscredential] $Credential, [ValidateSet('Read', 'Stop', 'Start')][string] $Action = 'Read', [guid] $NestedVMId = [guid]::Empty)
$ErrorActionPreference = 'Stop'
$null = Find-DashboardVm -VMId $VMId
# Runs inside the L1 guest over PowerShell Direct: does Hyper-V run there, its VMs (the L2 VMs) with their states, and the
# cascade's shutdown or start of one L2 VM. Kept apart from the guest facts and networking reads.
Invoke-DashboardGuestCommand -VMId $VMId -Credential $Credential -ArgumentList @($Action, $NestedVMId) -ScriptBlock {
    param([string] $Action, [guid] $NestedVMId)
    $ErrorActionPreference = 'Stop'
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    if ([int]$os.ProductType -ne 1) {
        $installed = [string](Get-WindowsFeature -Name Hyper-V).InstallState -eq 'Installed'
    }
    else {
        $installed = [string](Get-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V).State -eq 'Enabled'
    }
    if (-not $installed) {
        if ($Action -ne 'Read') { throw "Hyper-V is not installed in this guest, so it has no VMs to $($Action.ToLowerInvariant())." }
        [pscustomobject]@{ Kind = 'GuestHyperV'; Runs = $false }
        return
    }
    if ($Action -eq 'Read') {
        $vms = @(Get-VM)
        [pscustomobject]@{ Kind = 'GuestHyperV'; Runs = $true }
    }
    else {
        $vm = Get-VM -Id $NestedVMId
        if ($Action -eq 'Stop') { Stop-VM -VM $vm -Force } else { Start-VM -VM $vm }
        $vms = @(Get-VM -Id $NestedVMId)
    }
    foreach ($vm in $vms) {
        [pscustomobject]@{ Kind = 'NestedVm'; Id = [string]$vm.Id; Name = [string]$vm.Name; State = [string]$vm.State }
    }
}
