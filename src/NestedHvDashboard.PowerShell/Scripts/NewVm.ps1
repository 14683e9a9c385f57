param(
    [Parameter(Mandatory)][string] $Name,
    [Parameter(Mandatory)][long] $MemoryStartupBytes,
    [Parameter(Mandatory)][int] $ProcessorCount,
    [Parameter(Mandatory)][string] $SwitchName,
    [Parameter(Mandatory)][version] $Version)
$ErrorActionPreference = 'Stop'
# A VM ready for nesting. If any step after New-VM fails, the half-created VM is removed so nothing is left behind.
$vm = $null
$step = 'New-VM -Generation 2'
try {
    $vm = New-VM -Name $Name -Generation 2 -Version $Version -MemoryStartupBytes $MemoryStartupBytes -SwitchName $SwitchName -NoVHD
    $step = 'Set-VMMemory -DynamicMemoryEnabled $false'
    Set-VMMemory -VM $vm -DynamicMemoryEnabled $false
    $step = 'Set-VMProcessor -Count -ExposeVirtualizationExtensions $true'
    Set-VMProcessor -VM $vm -Count $ProcessorCount -ExposeVirtualizationExtensions $true
    $step = 'Set-VMNetworkAdapter -MacAddressSpoofing On'
    Get-VMNetworkAdapter -VM $vm | Set-VMNetworkAdapter -MacAddressSpoofing On
}
catch {
    $failure = $_
    $undo = ''
    if ($null -ne $vm) {
        try {
            Remove-VM -VM $vm -Force
            $undo = ' The half-created VM was removed (Remove-VM -Force).'
        }
        catch {
            $undo = " Removing the half-created VM failed too: $($_.Exception.Message)"
        }
    }
    # "Not found" here is a switch or version, never the VM the caller asked about.
    $category = if ($failure.CategoryInfo.Category -eq 'ObjectNotFound') { 'InvalidArgument' } else { $failure.CategoryInfo.Category }
    Write-Error -Message "$step failed: $($failure.Exception.Message)$undo" -Category $category -ErrorId 'NewVmStepFailed' -ErrorAction Stop
}
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $vm.Id)
