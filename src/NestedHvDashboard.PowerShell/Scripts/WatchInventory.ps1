# The host-side watch: one long-running pipeline that reads the host locally and writes only what
# changed, with a cadence by kind of data, so a host with hundreds of VMs stays cheap:
# - host facts (and Azure metadata): once, at the start (the dashboard asks again on demand);
# - fast fields, every Interval seconds, from one Get-VM: name, state, memory assigned. A VM whose
#   fast fields changed gets a VmState row;
# - configuration (processor, memory, adapters, checkpoints, guest OS) through the batched component
#   cmdlets of Common.ps1 (one call each over all VMs, never a per-VM property that goes to WMI):
#   every ConfigInterval seconds for every VM, and at once for a VM that is new or changed state.
#   A VM whose configuration differs from what was last sent gets its Vm and Adapter rows;
# - metrics (CPU usage, uptime): not changes; one compact Metrics row every MetricsInterval seconds
#   with the VMs whose metrics moved ("id|cpu|uptimeTicks;...").
# A VmRemoved row for a VM that is gone, and a Tick row closing every cycle (the heartbeat). The
# first cycle writes everything.
param([double] $Interval = 2, [double] $ConfigInterval = 30, [double] $MetricsInterval = 4)

$ErrorActionPreference = 'Stop'
if ($null -eq (Get-Command -Name Start-Sleep -ErrorAction SilentlyContinue)) {
    # E.g. a JEA endpoint that offers the Hyper-V cmdlets only: the dashboard polls instead.
    Write-Error -Message 'This endpoint does not offer Start-Sleep, so it cannot run the host-side watch.' -Category PermissionDenied -ErrorId 'WatchUnavailable' -ErrorAction Stop
}
$pause = [int][Math]::Max(1, [Math]::Ceiling($Interval * 1000))
$hasVms = $null -ne (Get-Command -Name Get-VM -ErrorAction SilentlyContinue)
$lastFast = @{}
$lastConfig = @{}
$lastMetrics = @{}
$sequence = [long]0
$nextConfig = [DateTime]::MinValue
$nextMetrics = [DateTime]::UtcNow.AddSeconds($MetricsInterval)

# A row's values in one compact string, CPU usage and uptime left out (metrics, not changes).
# Plain loops, not Where-Object: this runs for every row of every VM on a configuration cycle.
$compact = {
    param($Row)
    @(foreach ($property in $Row.PSObject.Properties) {
            if ($property.Name -ne 'CpuUsage' -and $property.Name -ne 'UptimeTicks') { [string]$property.Value }
        }) -join [char]31
}

Get-DashboardHostRow

while ($true) {
    $sequence++
    $now = [DateTime]::UtcNow
    $current = @{}
    if ($hasVms) {
        $all = @(Get-VM)
        $fast = @{}
        $stale = [System.Collections.Generic.List[object]]::new()
        foreach ($machine in $all) {
            $id = ([string]$machine.Id).ToLowerInvariant()
            $state = [string]$machine.State
            $fast[$id] = @([string]$machine.Name, $state, [long]$machine.MemoryAssigned, [int]$machine.CPUUsage, [long]$machine.Uptime.Ticks)
            $current[$id] = $true
            if (-not $lastFast.ContainsKey($id) -or $lastFast[$id][1] -cne $state) { $stale.Add($machine) }
        }

        $fullRead = $now -ge $nextConfig
        $toRead = @(if ($fullRead) { $all } else { $stale.ToArray() })
        $configured = @{}
        if ($toRead.Count -gt 0) {
            $groups = @{}
            foreach ($row in @(ConvertTo-DashboardVmRow -VM $toRead)) {
                $id = if ($row.Kind -eq 'Vm') { $row.Id } else { $row.VMId }
                if (-not $groups.ContainsKey($id)) { $groups[$id] = [System.Collections.Generic.List[object]]::new() }
                $groups[$id].Add($row)
            }
            foreach ($id in $groups.Keys) {
                $configured[$id] = $true
                $text = @(foreach ($row in $groups[$id]) { & $compact $row }) -join [char]30
                if ($text -cne $lastConfig[$id]) {
                    $groups[$id]
                    $lastConfig[$id] = $text
                }
            }
            if ($fullRead) { $nextConfig = $now.AddSeconds($ConfigInterval) }
        }

        foreach ($id in $fast.Keys) {
            $values = $fast[$id]
            $previous = $lastFast[$id]
            if (-not $configured.ContainsKey($id) -and ($null -eq $previous -or $previous[0] -cne $values[0] -or $previous[1] -cne $values[1] -or $previous[2] -ne $values[2])) {
                [pscustomobject]@{ Kind = 'VmState'; Id = $id; Name = $values[0]; State = $values[1]; MemoryAssigned = $values[2] }
            }
        }
        $lastFast = $fast

        if ($now -ge $nextMetrics) {
            $moved = [System.Collections.Generic.List[string]]::new()
            foreach ($id in $fast.Keys) {
                $reading = '{0}|{1}|{2}' -f $id, $fast[$id][3], $fast[$id][4]
                if ($reading -cne $lastMetrics[$id]) {
                    $moved.Add($reading)
                    $lastMetrics[$id] = $reading
                }
            }
            if ($moved.Count -gt 0) { [pscustomobject]@{ Kind = 'Metrics'; Values = $moved -join ';' } }
            $nextMetrics = $now.AddSeconds($MetricsInterval)
        }
    }

    foreach ($id in @($lastConfig.Keys)) {
        if (-not $current.ContainsKey($id)) {
            [pscustomobject]@{ Kind = 'VmRemoved'; Id = $id }
            $lastConfig.Remove($id)
            $lastMetrics.Remove($id)
        }
    }

    [pscustomobject]@{ Kind = 'Tick'; Sequence = $sequence }
    Start-Sleep -Milliseconds $pause
}
