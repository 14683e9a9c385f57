param([Parameter(Mandatory)][guid] $VMId, [string] $AdapterName, [Parameter(Mandatory)][string] $SwitchName)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
$adapters = @(Get-VMNetworkAdapter -VM $vm)
if ($AdapterName) {
    # Compared as text: adapter names may hold wildcard characters.
    $adapters = @($adapters | Where-Object { $_.Name -eq $AdapterName })
    if ($adapters.Count -eq 0) {
        Write-Error -Message "The virtual machine has no network adapter named '$AdapterName'." -Category InvalidArgument -ErrorId 'AdapterNotFound' -TargetObject $AdapterName -ErrorAction Stop
    }
}
if ($adapters.Count -gt 0) {
    $adapters | Connect-VMNetworkAdapter -SwitchName $SwitchName
}
ConvertTo-DashboardVmRow -VM @(Get-VM -Id $VMId)
