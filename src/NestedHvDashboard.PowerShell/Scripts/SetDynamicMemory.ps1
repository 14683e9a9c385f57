param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][bool] $Enabled)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
Set-VMMemory -VM $vm -DynamicMemoryEnabled $Enabled
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
