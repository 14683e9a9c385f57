param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][long] $Count)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
Set-VMProcessor -VM $vm -Count $Count
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
