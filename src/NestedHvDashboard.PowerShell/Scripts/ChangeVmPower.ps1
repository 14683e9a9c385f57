param(
    [Parameter(Mandatory)][guid] $VMId,
    [Parameter(Mandatory)][ValidateSet('Suspend', 'Resume', 'Restart', 'RemoveSavedState')][string] $Action,
    [int] $TimeoutSeconds = 60)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
switch ($Action) {
    'Suspend' {
        # A VM already paused needs nothing; any other state is Hyper-V's to refuse, in its own words.
        if ([string]$vm.State -ne 'Paused') {
            Suspend-VM -VM $vm
            Wait-DashboardVmState -VMId $VMId -State 'Paused' -TimeoutSeconds $TimeoutSeconds
        }
    }
    'Resume' {
        if ([string]$vm.State -ne 'Running') {
            Resume-VM -VM $vm
            Wait-DashboardVmState -VMId $VMId -State 'Running' -TimeoutSeconds $TimeoutSeconds
        }
    }
    'Restart' {
        # Restart-VM asks for confirmation without -Force, and no one can answer a prompt in a remote session.
        Restart-VM -VM $vm -Force
        Wait-DashboardVmState -VMId $VMId -State 'Running' -TimeoutSeconds $TimeoutSeconds
    }
    'RemoveSavedState' {
        Remove-VMSavedState -VM $vm
        Wait-DashboardVmState -VMId $VMId -State 'Off' -TimeoutSeconds $TimeoutSeconds
    }
}
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
