param(
    [Parameter(Mandatory)][guid] $VMId,
    [Parameter(Mandatory)][pscredential] $Credential,
    [Parameter(Mandatory)][ValidateSet('CreateExternal', 'Remove', 'Connect')][string] $Action,
    [Parameter(Mandatory)][string] $SwitchName,
    [string] $NetAdapterName = '',
    [string] $L2VMName = '')
$ErrorActionPreference = 'Stop'
$null = Find-DashboardVm -VMId $VMId
# Runs inside the L1 guest over PowerShell Direct: creates the external switch bound to the guest's adapter (and checks its
# host adapter came up, removing the switch again when it did not), removes a switch no L2 adapter uses, or connects every
# adapter of one L2 VM to a switch. Names arrive as parameters, never as script text.
Invoke-DashboardGuestCommand -VMId $VMId -Credential $Credential -ArgumentList @($Action, $SwitchName, $NetAdapterName, $L2VMName) -ScriptBlock {
    param([string] $Action, [string] $SwitchName, [string] $NetAdapterName, [string] $L2VMName)
    $ErrorActionPreference = 'Stop'
    if ($Action -eq 'CreateExternal') {
        $null = New-VMSwitch -Name $SwitchName -NetAdapterName $NetAdapterName -AllowManagementOS $true
        # The management OS now reaches the network through the switch's host adapter: it must be there.
        $why = "its host adapter 'vEthernet ($SwitchName)' did not appear"
        try { $hostAdapter = @(Get-NetAdapter | Where-Object { [string]$_.Name -eq "vEthernet ($SwitchName)" }) }
        catch { $hostAdapter = @(); $why = "its host adapter could not be read: $($_.Exception.Message)" }
        if ($hostAdapter.Count -eq 0) {
            Remove-VMSwitch -Name $SwitchName -Force
            Write-Error -Message "The switch was created but $why, so the guest would lose its network; the switch was removed again." -Category InvalidResult -ErrorAction Stop
        }
        [pscustomobject]@{ Kind = 'SwitchChanged'; Action = $Action; Name = $SwitchName }
    }
    elseif ($Action -eq 'Remove') {
        $connected = @(Get-VM | ForEach-Object { Get-VMNetworkAdapter -VM $_ } | Where-Object { [string]$_.SwitchName -eq $SwitchName })
        if ($connected.Count -gt 0) {
            $names = ($connected | ForEach-Object { "$($_.VMName) ($($_.Name))" }) -join ', '
            Write-Error -Message "L2 adapters are connected to '$SwitchName': $names. Connect them to another switch first." -Category ResourceBusy -ErrorAction Stop
        }
        Remove-VMSwitch -Name $SwitchName -Force
        [pscustomobject]@{ Kind = 'SwitchChanged'; Action = $Action; Name = $SwitchName }
    }
    else {
        $vm = Get-VM -Name $L2VMName
        $nics = @(Get-VMNetworkAdapter -VM $vm)
        if ($nics.Count -eq 0) {
            Write-Error -Message "The VM '$L2VMName' has no network adapter." -Category InvalidArgument -ErrorAction Stop
        }
        $nics | Connect-VMNetworkAdapter -SwitchName $SwitchName
        [pscustomobject]@{ Kind = 'SwitchChanged'; Action = $Action; Name = $SwitchName }
    }
}
