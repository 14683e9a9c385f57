param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][long] $StartupBytes)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
$memory = Get-VMMemory -VM $vm
if ($memory.DynamicMemoryEnabled) {
    # Hyper-V needs minimum <= startup <= maximum under dynamic memory: the bounds move with the startup memory, in the same call.
    $maximum = [Math]::Max([long]$memory.Maximum, $StartupBytes)
    $minimum = [Math]::Min([long]$memory.Minimum, $StartupBytes)
    Set-VMMemory -VM $vm -StartupBytes $StartupBytes -MinimumBytes $minimum -MaximumBytes $maximum
}
else {
    Set-VMMemory -VM $vm -StartupBytes $StartupBytes
}
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
