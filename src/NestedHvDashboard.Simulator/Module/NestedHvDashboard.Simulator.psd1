@{
  RootModule = 'NestedHvDashboard.Simulator.psm1'
  NestedModules = @('NestedHvDashboard.Simulator.dll')
  ModuleVersion = '1.0.0'
  GUID = '5f0c1f5e-6a0e-4c55-9a5e-2f3d6b7c8a10'
  Author = 'NestedHv Dashboard'
  Description = 'A simulated Hyper-V host: Hyper-V, NetNat, NetTCPIP, NetAdapter, DnsClient and CIM cmdlets with the real names, backed by in-memory or file state. Never touches the network.'
  PowerShellVersion = '7.4'
  CompatiblePSEditions = @('Core')
  CmdletsToExport = @(
    'Get-VM', 'Start-VM', 'Stop-VM', 'Save-VM', 'Update-VMVersion',
    'Suspend-VM', 'Resume-VM', 'Restart-VM', 'Remove-VMSavedState',
    'Get-VMProcessor', 'Set-VMProcessor', 'Get-VMMemory', 'Set-VMMemory',
    'Get-VMNetworkAdapter', 'Set-VMNetworkAdapter', 'Connect-VMNetworkAdapter', 'Disconnect-VMNetworkAdapter', 'Get-VMSnapshot',
    'Checkpoint-VM', 'Restore-VMSnapshot', 'Remove-VMSnapshot',
    'Get-VMSwitch', 'New-VMSwitch', 'Remove-VMSwitch',
    'Get-VMHost', 'Get-VMHostSupportedVersion',
    'Get-NetAdapter', 'Get-NetIPAddress', 'New-NetIPAddress', 'Remove-NetIPAddress', 'Test-NetConnection',
    'Get-NetNat', 'New-NetNat', 'Remove-NetNat',
    'Get-DnsClientServerAddress', 'Set-DnsClientServerAddress', 'Resolve-DnsName',
    'Get-CimInstance', 'Invoke-SimulatedRestMethod',
    'New-VM', 'Remove-VM', 'New-VHD', 'Invoke-SimulatedGuestCommand', 'Invoke-SimulatedBcdEdit',
    'Get-WindowsFeature', 'Install-WindowsFeature', 'Get-WindowsOptionalFeature', 'Enable-WindowsOptionalFeature'
  )
  FunctionsToExport = @('netsh', 'bcdedit.exe', 'Invoke-Command')
  AliasesToExport = @('Invoke-RestMethod', 'Get-VMCheckpoint', 'Restore-VMCheckpoint', 'Remove-VMCheckpoint', 'Add-WindowsFeature')
  VariablesToExport = @()
}
