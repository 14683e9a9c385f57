param([Parameter(Mandatory)][guid] $VMId)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
# CheckpointType exists from Windows Server 2016; an older host reports none.
$checkpointType = ''
if ($vm.PSObject.Properties['CheckpointType']) { $checkpointType = [string]$vm.CheckpointType }
$current = ''
if ($null -ne $vm.ParentSnapshotId) { $current = ([string]$vm.ParentSnapshotId).ToLowerInvariant() }
[pscustomobject]@{
    Kind           = 'Checkpoints'
    VMId           = ([string]$vm.Id).ToLowerInvariant()
    VMName         = [string]$vm.Name
    CurrentId      = $current
    CheckpointType = $checkpointType
}
foreach ($checkpoint in @(Get-VMSnapshot -VM $vm)) {
    $parent = ''
    if ($null -ne $checkpoint.ParentSnapshotId) { $parent = ([string]$checkpoint.ParentSnapshotId).ToLowerInvariant() }
    [pscustomobject]@{
        Kind         = 'Checkpoint'
        Id           = ([string]$checkpoint.Id).ToLowerInvariant()
        Name         = [string]$checkpoint.Name
        ParentId     = $parent
        # The host's local time, made UTC on the host: its time zone is not the dashboard's.
        CreatedUtc   = $checkpoint.CreationTime.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
        SnapshotType = [string]$checkpoint.SnapshotType
    }
}
