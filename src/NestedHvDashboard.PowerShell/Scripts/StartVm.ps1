param([Parameter(Mandatory)][guid] $VMId, [int] $TimeoutSeconds = 60)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
# Starting a running VM is already done; the one-click flows restore power states with it.
if ([string]$vm.State -ne 'Running') {
    Start-VM -VM $vm
    Wait-DashboardVmState -VMId $VMId -State 'Running' -TimeoutSeconds $TimeoutSeconds
}
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
