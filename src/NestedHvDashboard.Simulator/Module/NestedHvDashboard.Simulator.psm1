# Script half of the simulator: netsh (for the reference document's DNS line) and the
# Invoke-RestMethod alias that keeps instance-metadata queries off the network.

function netsh {
  <#
  .SYNOPSIS
  Simulated netsh: supports "interface ip[v4] add dnsserver[s] <name> [address=]<ip> [index=<n>] [validate=yes|no]".
  #>
  $words = @($args | ForEach-Object { [string]$_ })
  $global:LASTEXITCODE = 0
  if ($words.Count -ge 5 -and $words[0] -eq 'interface' -and $words[1] -in 'ip', 'ipv4' -and $words[2] -eq 'add' -and $words[3] -in 'dnsserver', 'dnsservers') {
    $name = $null; $address = $null; $index = $null
    foreach ($word in $words[4..($words.Count - 1)]) {
      if ($word -match '^(?<key>name|address|index|validate)=(?<value>.*)$') {
        switch ($Matches.key) {
          'name' { $name = $Matches.value }
          'address' { $address = $Matches.value }
          'index' { $index = [int]$Matches.value }
        }
      }
      elseif ($null -eq $name) { $name = $word }
      elseif ($null -eq $address) { $address = $word }
    }
    $current = Get-DnsClientServerAddress -InterfaceAlias $name -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -eq $current -or -not ($address -as [ipaddress])) {
      'The filename, directory name, or volume label syntax is incorrect.'
      ''
      $global:LASTEXITCODE = 1
      return
    }
    $servers = [System.Collections.Generic.List[string]]::new()
    foreach ($server in $current.ServerAddresses) { $servers.Add($server) }
    if (-not $servers.Contains($address)) {
      $at = if ($index -and $index -ge 1 -and $index -le $servers.Count + 1) { $index - 1 } else { $servers.Count }
      $servers.Insert($at, $address)
    }
    Set-DnsClientServerAddress -InterfaceAlias $current.InterfaceAlias -ServerAddresses $servers.ToArray() -Confirm:$false
    return
  }
  "The following command was not found: $($words -join ' ')."
  $global:LASTEXITCODE = 1
}

function bcdedit.exe {
  <#
  .SYNOPSIS
  Simulated bcdedit.exe (the scripts name the native program): "/enum [{current}]" prints the current boot entry (with hypervisorlaunchtype when set) and
  "/set [{current}] hypervisorlaunchtype auto|off" changes it; a denied boot store answers as for a non-elevated account.
  #>
  $global:LASTEXITCODE = 0
  foreach ($line in @(Invoke-SimulatedBcdEdit @args)) {
    if ($line -like 'ExitCode=*') { $global:LASTEXITCODE = [int]$line.Substring(9) } else { $line }
  }
}

function Invoke-Command {
  <#
  .SYNOPSIS
  Invoke-Command with PowerShell Direct into simulated guests: -VMName/-VMId go to Invoke-SimulatedGuestCommand,
  every other use (local script blocks, -ComputerName, -Session, ...) to the real Invoke-Command, unchanged.
  #>
  $toGuest = $false
  foreach ($word in $args) {
    # Parameter names reach a simple function as strings like '-VMName' (or '-VMName:' with a bound value).
    if ($word -is [string] -and $word -match '^-VM(N|Na|Nam|Name|I|Id|Guid)(:.*)?$') { $toGuest = $true; break }
  }
  if ($toGuest) {
    if ($MyInvocation.ExpectingInput) { $input | Invoke-SimulatedGuestCommand @args } else { Invoke-SimulatedGuestCommand @args }
  }
  elseif ($MyInvocation.ExpectingInput) { $input | Microsoft.PowerShell.Core\Invoke-Command @args }
  else { Microsoft.PowerShell.Core\Invoke-Command @args }
}

Set-Alias -Name Invoke-RestMethod -Value Invoke-SimulatedRestMethod
Export-ModuleMember -Function netsh, Invoke-Command -Alias Invoke-RestMethod, Get-VMCheckpoint, Restore-VMCheckpoint, Remove-VMCheckpoint, Add-WindowsFeature -Cmdlet *
