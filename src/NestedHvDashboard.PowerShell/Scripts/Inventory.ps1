# The watch loop's round trip: host facts once, then every VM's rows.
$ErrorActionPreference = 'Stop'
Get-DashboardHostRow
if ($null -ne (Get-Command -Name Get-VM -ErrorAction SilentlyContinue)) {
    ConvertTo-DashboardVmRow -VM @(Get-VM)
}
