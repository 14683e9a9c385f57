param([Parameter(Mandatory)][guid] $VMId)
$ErrorActionPreference = 'Stop'
# check-host's scratch VM: removed by its id, never by a name another VM could share. Turned off first, as Remove-VM needs.
$vm = Find-DashboardVm -VMId $VMId
if ([string]$vm.State -ne 'Off') {
    Stop-VM -VM $vm -TurnOff -Force
}
Remove-VM -VM $vm -Force
[pscustomobject]@{ Kind = 'VmRemoved'; Id = [string]$VMId }
