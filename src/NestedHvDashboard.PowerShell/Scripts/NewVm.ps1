param(
    [Parameter(Mandatory)][string] $Name,
    [Parameter(Mandatory)][long] $MemoryStartupBytes,
    [Parameter(Mandatory)][int] $ProcessorCount,
    [Parameter(Mandatory)][string] $SwitchName,
    [Parameter(Mandatory)][version] $Version,
    [string] $ParentPath)
$ErrorActionPreference = 'Stop'
# A VM ready for nesting. If any step after New-VM fails, the half-created VM is removed so nothing is left behind.
# Before each step a Step row (Index from 0, Count, Title) goes to the output, so the dashboard sees the step begin as it
# does and notes it in the change's audit entry: a dashboard killed during this script then says which step it stopped at.
# The titles are the engine's (NewVmPlan.Steps), in the same order.
# With -ParentPath (an OS image) the VM boots a differencing disk of it, named after the VM in the host's virtual hard disk
# folder; a failure removes that disk too.
$steps = @(
    'New-VM -Generation 2',
    'Set-VMMemory -DynamicMemoryEnabled $false',
    'Set-VMProcessor -Count -ExposeVirtualizationExtensions $true',
    'Set-VMNetworkAdapter -MacAddressSpoofing On')
$vm = $null
$disk = $null
$step = $steps[0]
try {
    [pscustomobject]@{ Kind = 'Step'; Index = 0; Count = $steps.Count; Title = $step }
    if ($ParentPath) {
        $step = 'New-VHD -Differencing'
        $path = (Get-VMHost).VirtualHardDiskPath.TrimEnd('\') + '\' + $Name + '.vhdx'
        $null = New-VHD -Path $path -ParentPath $ParentPath -Differencing
        $disk = $path
        $step = $steps[0]
        $vm = New-VM -Name $Name -Generation 2 -Version $Version -MemoryStartupBytes $MemoryStartupBytes -SwitchName $SwitchName -VHDPath $disk
    }
    else {
        $vm = New-VM -Name $Name -Generation 2 -Version $Version -MemoryStartupBytes $MemoryStartupBytes -SwitchName $SwitchName -NoVHD
    }
    $step = $steps[1]
    [pscustomobject]@{ Kind = 'Step'; Index = 1; Count = $steps.Count; Title = $step }
    Set-VMMemory -VM $vm -DynamicMemoryEnabled $false
    $step = $steps[2]
    [pscustomobject]@{ Kind = 'Step'; Index = 2; Count = $steps.Count; Title = $step }
    Set-VMProcessor -VM $vm -Count $ProcessorCount -ExposeVirtualizationExtensions $true
    $step = $steps[3]
    [pscustomobject]@{ Kind = 'Step'; Index = 3; Count = $steps.Count; Title = $step }
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
    if ($null -ne $disk) {
        try {
            Remove-Item -LiteralPath $disk -Force
            $undo += " Its differencing disk $disk was removed."
        }
        catch {
            $undo += " Removing its differencing disk $disk failed too: $($_.Exception.Message)"
        }
    }
    # "Not found" here is a switch or version, never the VM the caller asked about.
    $category = if ($failure.CategoryInfo.Category -eq 'ObjectNotFound') { 'InvalidArgument' } else { $failure.CategoryInfo.Category }
    Write-Error -Message "$step failed: $($failure.Exception.Message)$undo" -Category $category -ErrorId 'NewVmStepFailed' -ErrorAction Stop
}
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $vm.Id)
