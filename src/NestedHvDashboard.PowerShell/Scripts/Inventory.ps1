# The watch loop's round trip: host facts once, then every VM's rows, all of them as one JSON string (gzip, base64)
# in one Kind = 'Rows' object. Remoting then carries one small message instead of one CliXml message per row, which
# is what the dashboard spent most of its time and memory on when reading a big host (HostRows reads both forms).
$ErrorActionPreference = 'Stop'
$rows = @(
    Get-DashboardHostRow
    if ($null -ne (Get-Command -Name Get-VM -CommandType Cmdlet, Function, Alias -ErrorAction SilentlyContinue)) {
        ConvertTo-DashboardVmRow -VM @(Get-VM)
    }
)
$json = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $rows -Depth 2 -Compress))
$packed = New-Object -TypeName System.IO.MemoryStream
$gzip = New-Object -TypeName System.IO.Compression.GZipStream -ArgumentList $packed, ([System.IO.Compression.CompressionMode]::Compress)
$gzip.Write($json, 0, $json.Length)
$gzip.Dispose()
[pscustomobject]@{ Kind = 'Rows'; GZip = [Convert]::ToBase64String($packed.ToArray()) }
