param([Parameter(Mandatory)][guid] $VMId)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
ConvertTo-DashboardVmRow -VM @($vm)
