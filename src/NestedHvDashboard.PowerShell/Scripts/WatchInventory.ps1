# The host-side watch: one long-running pipeline that reads the host locally and writes only what
# changed, with a cadence by kind of data, so a host with hundreds of VMs stays cheap:
# - host facts (and Azure metadata): once, at the start (the dashboard asks again on demand);
# - fast fields, every Interval seconds: name, state, memory assigned, from ONE WMI call for all VMs,
#   Msvm_VirtualSystemManagementService.GetSummaryInformation (see $summaryRequest below); on a
#   configuration cycle, and when that call is not there or fails, from one Get-VM, which a real host
#   answers per VM (WAC #120: ~12 ms a VM). A WatchState row says which read is in use, and why when
#   it is Get-VM. A VM whose fast fields changed gets a VmState row;
# - configuration (processor, memory, adapters, checkpoints, guest OS) through the batched component
#   cmdlets of Common.ps1 (one call each over all VMs, never a per-VM property that goes to WMI):
#   every ConfigInterval seconds for every VM, and at once for a VM that is new or changed state.
#   A VM whose configuration differs from what was last sent gets its Vm and Adapter rows;
# - metrics (CPU usage, uptime): not changes; one compact Metrics row every MetricsInterval seconds
#   with the VMs whose metrics moved ("id|cpu|uptimeTicks;...").
# A VmRemoved row for a VM that is gone, and a Tick row closing every cycle (the heartbeat). The
# first cycle writes everything, unless the dashboard gives the VMs it already knows (KnownIds with
# their KnownNames, KnownStates and KnownMemory, in the same order: a host taken over from another
# dashboard instance): the first cycle then writes only what differs from them, reads configuration
# only for the VMs new or changed state, and the others' at the first configuration cycle, one
# ConfigInterval later.
param(
    [double] $Interval = 2,
    [double] $ConfigInterval = 30,
    [double] $MetricsInterval = 4,
    [string[]] $KnownIds = @(),
    [string[]] $KnownNames = @(),
    [string[]] $KnownStates = @(),
    [long[]] $KnownMemory = @()
)

$ErrorActionPreference = 'Stop'
if ($null -eq (Get-Command -Name Start-Sleep -CommandType Cmdlet, Function, Alias -ErrorAction SilentlyContinue)) {
    # E.g. a JEA endpoint that offers the Hyper-V cmdlets only: the dashboard polls instead.
    Write-Error -Message 'This endpoint does not offer Start-Sleep, so it cannot run the host-side watch.' -Category PermissionDenied -ErrorId 'WatchUnavailable' -ErrorAction Stop
}
$pause = [int][Math]::Max(1, [Math]::Ceiling($Interval * 1000))
$hasVms = $null -ne (Get-Command -Name Get-VM -CommandType Cmdlet, Function, Alias -ErrorAction SilentlyContinue)
$lastFast = @{}
$lastConfig = @{}
$lastMetrics = @{}
$sequence = [long]0
$nextConfig = [DateTime]::MinValue
$nextMetrics = [DateTime]::UtcNow.AddSeconds($MetricsInterval)
if ($KnownIds.Count -gt 0) {
    if ($KnownNames.Count -ne $KnownIds.Count -or $KnownStates.Count -ne $KnownIds.Count -or $KnownMemory.Count -ne $KnownIds.Count) {
        Write-Error -Message "KnownIds has $($KnownIds.Count) VMs but KnownNames $($KnownNames.Count), KnownStates $($KnownStates.Count) and KnownMemory $($KnownMemory.Count): they go in the same order, one each." -Category InvalidArgument -ErrorId 'KnownVmsMismatch' -ErrorAction Stop
    }
    for ($i = 0; $i -lt $KnownIds.Count; $i++) {
        $id = $KnownIds[$i].ToLowerInvariant()
        # As a cycle keeps them (CPU usage and uptime are metrics, never compared); an empty configuration text, so that
        # a known VM gone is reported removed and the first configuration cycle sends every VM's rows once.
        $lastFast[$id] = @($KnownNames[$i], $KnownStates[$i], $KnownMemory[$i], 0, [long]0)
        $lastConfig[$id] = ''
    }
    $nextConfig = [DateTime]::UtcNow.AddSeconds($ConfigInterval)
}

# GetSummaryInformation of Msvm_VirtualSystemManagementService (root\virtualization\v2), documented at
# learn.microsoft.com/windows/win32/hyperv_v2/getsummaryinformation-msvm-virtualsystemmanagementservice: with no
# SettingData it answers for every VM at once. RequestedInformation codes (Msvm_SummaryInformation properties):
# 0 Name (the VM id), 1 ElementName (its name), 100 EnabledState, 101 ProcessorLoad (%), 103 MemoryUsage (MB),
# 105 UpTime (ms).
$summaryRequest = @{ RequestedInformation = [uint32[]]@(0, 1, 100, 101, 103, 105) }
# EnabledState as Get-VM names it (Microsoft.HyperV.PowerShell.VMState has the same numbers); anything else is Other.
$stateNames = @{
    1 = 'Other'; 2 = 'Running'; 3 = 'Off'; 4 = 'Stopping'; 6 = 'Saved'; 9 = 'Paused'; 10 = 'Starting'; 11 = 'Reset'
    32773 = 'Saving'; 32776 = 'Pausing'; 32777 = 'Resuming'; 32779 = 'FastSaved'; 32780 = 'FastSaving'; 32781 = 'ForceShutdown'
    32782 = 'ForceReboot'; 32783 = 'Hibernated'; 32784 = 'ComponentServicing'
}
$summaryService = $null
$fastRead = 'Get-VM'
$fastReadReason = ''
if ($hasVms) {
    if ($null -eq (Get-Command -Name Invoke-CimMethod -CommandType Cmdlet, Function, Alias -ErrorAction SilentlyContinue)) {
        $fastReadReason = 'This endpoint does not offer Invoke-CimMethod.'
    }
    else {
        try {
            # Once per watch: the service is a singleton, its instance serves every cycle's call.
            $summaryService = @(Get-CimInstance -Namespace 'root\virtualization\v2' -ClassName Msvm_VirtualSystemManagementService -ErrorAction Stop)[0]
            if ($null -eq $summaryService) { $fastReadReason = 'The host has no Msvm_VirtualSystemManagementService instance.' }
            else { $fastRead = 'GetSummaryInformation' }
        }
        catch {
            $fastReadReason = "Msvm_VirtualSystemManagementService could not be read: $($_.Exception.Message)"
        }
    }
}
$toldFastRead = ''

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
        # Fast fields: id -> name, state, memory assigned (bytes), CPU (%), uptime (ticks).
        $fast = @{}
        $all = $null
        $summary = $null
        # A configuration cycle reads every VM with Get-VM anyway: its objects give the fast fields too. The first cycle
        # calls the summary all the same, so that its WatchState row tells whether the call works on this host.
        $fullRead = $now -ge $nextConfig
        if ($fastRead -eq 'GetSummaryInformation' -and (-not $fullRead -or $sequence -eq 1)) {
            try {
                $answer = Invoke-CimMethod -InputObject $summaryService -MethodName GetSummaryInformation -Arguments $summaryRequest -ErrorAction Stop
                if ([uint32]$answer.ReturnValue -ne 0) { throw "GetSummaryInformation returned $($answer.ReturnValue)." }
                $summary = @($answer.SummaryInformation)
            }
            catch {
                # For the rest of this watch (it starts again on reconnect): one failing call per cycle would cost more.
                $fastRead = 'Get-VM'
                $fastReadReason = "GetSummaryInformation failed: $($_.Exception.Message)"
            }
        }
        if ($null -ne $summary) {
            foreach ($information in $summary) {
                $id = ([string]$information.Name).ToLowerInvariant()
                $state = $stateNames[[int]$information.EnabledState]
                if ($null -eq $state) { $state = 'Other' }
                $fast[$id] = @([string]$information.ElementName, $state, ([long]$information.MemoryUsage * 1MB), [int]$information.ProcessorLoad, ([long]$information.UpTime * 10000))
            }
        }
        else {
            $all = @(Get-VM)
            foreach ($machine in $all) {
                $fast[([string]$machine.Id).ToLowerInvariant()] = @([string]$machine.Name, [string]$machine.State, [long]$machine.MemoryAssigned, [int]$machine.CPUUsage, [long]$machine.Uptime.Ticks)
            }
        }
        if ($toldFastRead -ne $fastRead) {
            [pscustomobject]@{ Kind = 'WatchState'; FastRead = $fastRead; Reason = $fastReadReason }
            $toldFastRead = $fastRead
        }

        $stale = @{}
        foreach ($id in $fast.Keys) {
            $current[$id] = $true
            if (-not $lastFast.ContainsKey($id) -or $lastFast[$id][1] -cne $fast[$id][1]) { $stale[$id] = $true }
        }

        # Configuration needs Get-VM objects: all of them on a configuration cycle, else only the VMs new or changed
        # state (by id, one call each, when the summary gave the fast fields and only a few changed).
        $toRead = @()
        if ($fullRead -or ($stale.Count -gt 0 -and ($null -ne $all -or $stale.Count -gt 4))) {
            if ($null -eq $all) { $all = @(Get-VM) }
            $toRead = @(if ($fullRead) { $all } else { foreach ($machine in $all) { if ($stale.ContainsKey(([string]$machine.Id).ToLowerInvariant())) { $machine } } })
        }
        elseif ($stale.Count -gt 0) {
            # A VM removed since the summary is simply not there; the next cycle reports it gone.
            $toRead = @(foreach ($id in $stale.Keys) { Get-VM -Id $id -ErrorAction SilentlyContinue })
        }
        $configured = @{}
        if ($toRead.Count -gt 0) {
            $groups = @{}
            foreach ($row in @(ConvertTo-DashboardVmRow -VM $toRead)) {
                $id = if ($row.Kind -eq 'Vm') { $row.Id } else { $row.VMId }
                if (-not $groups.ContainsKey($id)) { $groups[$id] = [System.Collections.Generic.List[object]]::new() }
                $groups[$id].Add($row)
                if ($row.Kind -eq 'Vm' -and $fast.ContainsKey($id)) {
                    # The dashboard now has this row's fast fields: later cycles compare against them.
                    $fast[$id] = @($row.Name, $row.State, $row.MemoryAssigned, $fast[$id][3], $fast[$id][4])
                }
            }
            foreach ($id in $groups.Keys) {
                $configured[$id] = $true
                $text = @(foreach ($row in $groups[$id]) { & $compact $row }) -join [char]30
                if ($text -cne $lastConfig[$id]) {
                    $groups[$id]
                    $lastConfig[$id] = $text
                }
            }
        }
        if ($fullRead) { $nextConfig = $now.AddSeconds($ConfigInterval) }

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
