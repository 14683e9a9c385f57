param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][string] $Name)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
# The checkpoint's type is the VM's CheckpointType setting (Production falls back to Standard when the guest cannot; ProductionOnly fails).
Checkpoint-VM -VM $vm -SnapshotName $Name -Confirm:$false
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
