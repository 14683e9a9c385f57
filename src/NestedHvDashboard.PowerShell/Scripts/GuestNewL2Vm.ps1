param(
    [Parameter(Mandatory)][guid] $VMId,
    [Parameter(Mandatory)][pscredential] $Credential,
    [Parameter(Mandatory)][string] $Name,
    [Parameter(Mandatory)][int] $ProcessorCount,
    [Parameter(Mandatory)][long] $MemoryStartupBytes,
    [Parameter(Mandatory)][string] $SwitchName,
    [string] $OsImagePath = '')
$ErrorActionPreference = 'Stop'
$null = Find-DashboardVm -VMId $VMId
# Runs inside the L1 guest over PowerShell Direct: a generation 2 L2 VM with static memory on the chosen switch, booting a
# differencing disk of the OS image when one is given. A failure after New-VM removes the half-made VM again.
Invoke-DashboardGuestCommand -VMId $VMId -Credential $Credential -ArgumentList @($Name, $ProcessorCount, $MemoryStartupBytes, $SwitchName, $OsImagePath) -ScriptBlock {
    param([string] $Name, [int] $ProcessorCount, [long] $MemoryStartupBytes, [string] $SwitchName, [string] $OsImagePath)
    $ErrorActionPreference = 'Stop'
    if (@(Get-VM | Where-Object { [string]$_.Name -eq $Name }).Count -gt 0) {
        Write-Error -Message "The guest already has a VM named '$Name'." -Category ResourceExists -ErrorAction Stop
    }
    $disk = ''
    if ($OsImagePath) {
        $folder = ([string](Get-VMHost).VirtualHardDiskPath).TrimEnd('\')
        $disk = "$folder\$Name.vhdx"
        $null = New-VHD -Path $disk -ParentPath $OsImagePath -Differencing
        $vm = New-VM -Name $Name -Generation 2 -MemoryStartupBytes $MemoryStartupBytes -SwitchName $SwitchName -VHDPath $disk
    }
    else {
        $vm = New-VM -Name $Name -Generation 2 -MemoryStartupBytes $MemoryStartupBytes -SwitchName $SwitchName -NoVHD
    }
    try {
        Set-VMMemory -VM $vm -DynamicMemoryEnabled $false
        Set-VMProcessor -VM $vm -Count $ProcessorCount
    }
    catch {
        $failure = $_.Exception.Message
        $undo = "Remove-VM -Name '$Name' -Force: done"
        try { Remove-VM -VM $vm -Force } catch { $undo = "Remove-VM -Name '$Name' -Force failed too: $($_.Exception.Message)" }
        if ($disk) { $undo += "; the differencing disk $disk stays, remove it before trying again" }
        Write-Error -Message "$failure Undone: $undo." -Category InvalidOperation -ErrorAction Stop
    }
    $vm = Get-VM -Id $vm.Id
    [pscustomobject]@{ Kind = 'NestedVm'; Id = [string]$vm.Id; Name = [string]$vm.Name; State = [string]$vm.State }
}
