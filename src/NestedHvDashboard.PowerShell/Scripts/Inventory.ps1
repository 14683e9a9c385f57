# The watch loop's round trip: host facts once, then every VM's rows, all of them as one JSON string in one
# Kind = 'Rows' object. Remoting then carries one small message instead of one CliXml message per row, which is
# what the dashboard spent most of its time and memory on when reading a big host (HostRows reads both forms).
$ErrorActionPreference = 'Stop'
$rows = @(
    Get-DashboardHostRow
    if ($null -ne (Get-Command -Name Get-VM -ErrorAction SilentlyContinue)) {
        ConvertTo-DashboardVmRow -VM @(Get-VM)
    }
)
[pscustomobject]@{ Kind = 'Rows'; Json = (ConvertTo-Json -InputObject $rows -Depth 2 -Compress) }
