param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][bool] $Enabled)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
Set-VMProcessor -VM $vm -ExposeVirtualizationExtensions $Enabled
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
