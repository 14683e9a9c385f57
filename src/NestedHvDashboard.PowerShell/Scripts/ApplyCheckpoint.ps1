param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][guid] $CheckpointId)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
# By id: Hyper-V allows two checkpoints of one VM to share a name.
$checkpoint = @(Get-VMSnapshot -VM $vm | Where-Object { $_.Id -eq $CheckpointId })
if ($checkpoint.Count -eq 0) {
    Write-Error -Message "The virtual machine '$($vm.Name)' has no checkpoint with ID '$CheckpointId' (it was deleted meanwhile)." -Category InvalidArgument -ErrorId 'CheckpointNotFound' -TargetObject $CheckpointId -ErrorAction Stop
}
Restore-VMSnapshot -VMSnapshot $checkpoint[0] -Confirm:$false
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
