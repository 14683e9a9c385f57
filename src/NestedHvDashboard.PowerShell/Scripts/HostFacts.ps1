$ErrorActionPreference = 'Stop'
Get-DashboardHostRow
