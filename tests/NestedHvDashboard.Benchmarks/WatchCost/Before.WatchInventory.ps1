# The host-side watch: one long-running pipeline that reads the inventory locally every Interval
# seconds, exactly as Inventory.ps1 does (the same Common.ps1 rows), and writes only what changed:
# the host row when it differs, every row of a VM (its Vm row and its Adapter rows) when any of
# them differs, a VmRemoved row for a VM that is gone, and a Tick row closing every cycle (the
# heartbeat). The first cycle writes everything.
param([double] $Interval = 2)

$ErrorActionPreference = 'Stop'
if ($null -eq (Get-Command -Name Start-Sleep -ErrorAction SilentlyContinue)) {
    # E.g. a JEA endpoint that offers the Hyper-V cmdlets only: the dashboard polls instead.
    Write-Error -Message 'This endpoint does not offer Start-Sleep, so it cannot run the host-side watch.' -Category PermissionDenied -ErrorId 'WatchUnavailable' -ErrorAction Stop
}
$pause = [int][Math]::Max(1, [Math]::Ceiling($Interval * 1000))
$hasVms = $null -ne (Get-Command -Name Get-VM -ErrorAction SilentlyContinue)
$lastHost = $null
$lastVms = @{}
$sequence = [long]0

# A row's values in one compact string: what "changed" means.
$compact = {
    param($Row)
    ($Row.PSObject.Properties | ForEach-Object { [string]$_.Value }) -join [char]31
}

while ($true) {
    $sequence++

    $hostRow = Get-DashboardHostRow
    $hostText = & $compact $hostRow
    if ($hostText -cne $lastHost) {
        $hostRow
        $lastHost = $hostText
    }

    $current = @{}
    if ($hasVms) {
        $groups = [ordered]@{}
        foreach ($row in @(ConvertTo-DashboardVmRow -VM @(Get-VM))) {
            $id = if ($row.Kind -eq 'Vm') { $row.Id } else { $row.VMId }
            if (-not $groups.Contains($id)) { $groups[$id] = [System.Collections.Generic.List[object]]::new() }
            $groups[$id].Add($row)
        }
        foreach ($id in $groups.Keys) {
            $text = @(foreach ($row in $groups[$id]) { & $compact $row }) -join [char]30
            $current[$id] = $text
            if ($text -cne $lastVms[$id]) {
                $groups[$id]
            }
        }
    }

    foreach ($id in @($lastVms.Keys)) {
        if (-not $current.ContainsKey($id)) {
            [pscustomobject]@{ Kind = 'VmRemoved'; Id = $id }
        }
    }
    $lastVms = $current

    [pscustomobject]@{ Kind = 'Tick'; Sequence = $sequence }
    Start-Sleep -Milliseconds $pause
}
