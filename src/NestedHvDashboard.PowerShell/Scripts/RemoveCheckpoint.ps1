param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][guid] $CheckpointId, [bool] $IncludeChildren = $false)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
$checkpoint = @(Get-VMSnapshot -VM $vm | Where-Object { $_.Id -eq $CheckpointId })
if ($checkpoint.Count -eq 0) {
    Write-Error -Message "The virtual machine '$($vm.Name)' has no checkpoint with ID '$CheckpointId' (it was deleted meanwhile)." -Category InvalidArgument -ErrorId 'CheckpointNotFound' -TargetObject $CheckpointId -ErrorAction Stop
}
if ($IncludeChildren) {
    Remove-VMSnapshot -VMSnapshot $checkpoint[0] -IncludeAllChildSnapshots -Confirm:$false
}
else {
    # Its disk merges into its child (or into the running state), as Hyper-V always does on delete.
    Remove-VMSnapshot -VMSnapshot $checkpoint[0] -Confirm:$false
}
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
