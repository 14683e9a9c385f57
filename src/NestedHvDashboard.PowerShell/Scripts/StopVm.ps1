param(
    [Parameter(Mandatory)][guid] $VMId,
    [Parameter(Mandatory)][ValidateSet('ShutDown', 'TurnOff', 'Save')][string] $Mode,
    [int] $TimeoutSeconds = 60)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
$target = if ($Mode -eq 'Save') { 'Saved' } else { 'Off' }
# A VM already in the target state needs nothing.
if ([string]$vm.State -ne $target) {
    switch ($Mode) {
        'ShutDown' { Stop-VM -VM $vm -Force }
        'TurnOff' { Stop-VM -VM $vm -TurnOff }
        'Save' { Save-VM -VM $vm }
    }
    Wait-DashboardVmState -VMId $VMId -State $target -TimeoutSeconds $TimeoutSeconds
}
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
