param([Parameter(Mandatory)][guid] $VMId)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
# Update-VMVersion asks for confirmation without -Force, and no one can answer a prompt in a remote session.
# A VM that is not Off is Hyper-V's to refuse, in its own words.
Update-VMVersion -VM $vm -Force
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
