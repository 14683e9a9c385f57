param(
    [Parameter(Mandatory)][guid] $VMId,
    [Parameter(Mandatory)][pscredential] $Credential,
    [Parameter(Mandatory)][string] $L2VMName,
    [Parameter(Mandatory)][pscredential] $L2Credential,
    [ValidateSet('Read', 'Apply', 'Test')][string] $Action = 'Read',
    [string] $InterfaceAlias = 'Ethernet',
    [string] $IPAddress = '',
    [int] $PrefixLength = 0,
    [string] $DefaultGateway = '',
    [string] $DnsServer = '',
    [string] $Name = ''
)
$ErrorActionPreference = 'Stop'
$vm = Find-DashboardVm -VMId $VMId
# An L2 guest's networking, two PowerShell Direct hops away: the host reaches the L1 (-VMId, the L1's credential), the L1 reaches
# the L2 (-VMName, the L2's credential). Every value travels as an argument, never as script text. On the host: the L1's
# adapters, since an L2 on an external switch inside the L1 needs MAC address spoofing on them.
foreach ($adapter in @(Get-VMNetworkAdapter -VM $vm)) {
    [pscustomobject]@{ Kind = 'L1Adapter'; Name = [string]$adapter.Name; SwitchName = [string]$adapter.SwitchName; MacAddressSpoofing = [string]$adapter.MacAddressSpoofing }
}
$arguments = @($L2VMName, $L2Credential, $Action, $InterfaceAlias, $IPAddress, $PrefixLength, $DefaultGateway, $DnsServer, $Name)
Invoke-DashboardGuestCommand -VMId $VMId -Credential $Credential -ArgumentList $arguments -ScriptBlock {
    param([string] $L2VMName, [pscredential] $L2Credential, [string] $Action, [string] $InterfaceAlias, [string] $IPAddress, [int] $PrefixLength, [string] $DefaultGateway, [string] $DnsServer, [string] $Name)
    $ErrorActionPreference = 'Stop'
    # Inside the L1: its NATs and addresses, the L2 VM and the switches its adapters are on.
    foreach ($nat in @(Get-NetNat)) {
        [pscustomobject]@{ Kind = 'L1Nat'; Name = [string]$nat.Name; Prefix = [string]$nat.InternalIPInterfaceAddressPrefix }
    }
    foreach ($ip in @(Get-NetIPAddress -AddressFamily IPv4)) {
        [pscustomobject]@{ Kind = 'L1Address'; IPAddress = [string]$ip.IPAddress; PrefixLength = [int]$ip.PrefixLength; InterfaceAlias = [string]$ip.InterfaceAlias }
    }
    $l2 = Get-VM -Name $L2VMName
    [pscustomobject]@{ Kind = 'L2Vm'; Name = [string]$l2.Name; State = [string]$l2.State }
    $internal = $false
    foreach ($adapter in @(Get-VMNetworkAdapter -VM $l2)) {
        $type = ''
        if ($adapter.SwitchName) { $type = [string](Get-VMSwitch -Name $adapter.SwitchName).SwitchType }
        if ($type -eq 'Internal') { $internal = $true }
        [pscustomobject]@{ Kind = 'L2Adapter'; Name = [string]$adapter.Name; SwitchName = [string]$adapter.SwitchName; SwitchType = $type }
    }
    if ([string]$l2.State -ne 'Running') { return }

    # Does someone else hold the address? Asked from the L1 on its internal switch, the L2's segment (the L2 itself may hold
    # it: re-applying). Behind an external switch the physical network is not the L1's to probe.
    if ($Action -eq 'Read' -and $IPAddress -and $internal) {
        $answers = Test-NetConnection -ComputerName $IPAddress -InformationLevel Quiet -WarningAction SilentlyContinue
        [pscustomobject]@{ Kind = 'AddressProbe'; IPAddress = $IPAddress; Answers = [bool]$answers }
    }

    $inner = @($Action, $InterfaceAlias, $IPAddress, $PrefixLength, $DefaultGateway, $DnsServer, $Name)
    try {
        Invoke-Command -VMName $L2VMName -Credential $L2Credential -ArgumentList $inner -ErrorAction Stop -ScriptBlock {
            param([string] $Action, [string] $InterfaceAlias, [string] $IPAddress, [int] $PrefixLength, [string] $DefaultGateway, [string] $DnsServer, [string] $Name)
            $ErrorActionPreference = 'Stop'
            [pscustomobject]@{ Kind = 'L2Reached' }
            if ($Action -eq 'Apply') {
                # The adapter's IPv4 addresses and default route as they were, to put back if a step fails.
                $old = @(Get-NetIPAddress -InterfaceAlias $InterfaceAlias -AddressFamily IPv4 -ErrorAction SilentlyContinue)
                $oldRoutes = @(Get-NetRoute -DestinationPrefix '0.0.0.0/0' -InterfaceAlias $InterfaceAlias -ErrorAction SilentlyContinue)
                $step = 'Remove-NetRoute'
                try {
                    if ($oldRoutes.Count -gt 0) { Remove-NetRoute -DestinationPrefix '0.0.0.0/0' -InterfaceAlias $InterfaceAlias -Confirm:$false }
                    $step = 'Remove-NetIPAddress'
                    if ($old.Count -gt 0) { Remove-NetIPAddress -InterfaceAlias $InterfaceAlias -AddressFamily IPv4 -Confirm:$false }
                    $step = 'New-NetIPAddress'
                    $new = @{ InterfaceAlias = $InterfaceAlias; IPAddress = $IPAddress; PrefixLength = $PrefixLength }
                    if ($DefaultGateway) { $new.DefaultGateway = $DefaultGateway }
                    $null = New-NetIPAddress @new
                    $step = 'Set-DnsClientServerAddress'
                    if ($DnsServer) { Set-DnsClientServerAddress -InterfaceAlias $InterfaceAlias -ServerAddresses $DnsServer }
                    [pscustomobject]@{ Kind = 'L2Applied'; IPAddress = $IPAddress }
                }
                catch {
                    # Undo in reverse: the new address and route go, the old addresses (the first with the old gateway) come back.
                    # The DNS servers were not changed: setting them is the last step, and the one that failed if any did.
                    $failure = [string]$_.Exception.Message
                    $undoFailures = [System.Collections.Generic.List[string]]::new()
                    $null = Remove-NetIPAddress -InterfaceAlias $InterfaceAlias -AddressFamily IPv4 -Confirm:$false -ErrorAction SilentlyContinue
                    $null = Remove-NetRoute -DestinationPrefix '0.0.0.0/0' -InterfaceAlias $InterfaceAlias -Confirm:$false -ErrorAction SilentlyContinue
                    $gateway = ''
                    if ($oldRoutes.Count -gt 0) { $gateway = [string]$oldRoutes[0].NextHop }
                    foreach ($ip in $old) {
                        $back = @{ InterfaceAlias = $InterfaceAlias; IPAddress = [string]$ip.IPAddress; PrefixLength = [byte]$ip.PrefixLength }
                        if ($gateway) { $back.DefaultGateway = $gateway; $gateway = '' }
                        try { $null = New-NetIPAddress @back } catch { $undoFailures.Add("New-NetIPAddress $($ip.IPAddress): $($_.Exception.Message)") }
                    }
                    [pscustomobject]@{ Kind = 'L2StepFailed'; Step = $step; Message = $failure; UndoFailures = $undoFailures -join "`n" }
                }
            }

            $routes = @(Get-NetRoute -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue)
            $servers = @(Get-DnsClientServerAddress -AddressFamily IPv4 | ForEach-Object { @($_.ServerAddresses) } | Where-Object { $_ })
            if ($Action -eq 'Test') {
                $gateway = $DefaultGateway
                if (-not $gateway -and $routes.Count -gt 0) { $gateway = [string]$routes[0].NextHop }
                $dns = $DnsServer
                if (-not $dns -and $servers.Count -gt 0) { $dns = [string]$servers[0] }
                if ($gateway) {
                    $said = $null
                    $result = Test-NetConnection -ComputerName $gateway -WarningAction SilentlyContinue -WarningVariable said
                    [pscustomobject]@{ Kind = 'Hop'; Hop = 'Gateway'; Target = $gateway; Succeeded = [bool]$result.PingSucceeded; Said = (@($said) -join ' '); Address = [string]$result.SourceAddress }
                }
                else { [pscustomobject]@{ Kind = 'Hop'; Hop = 'Gateway'; Target = ''; Succeeded = $false; Said = ''; Address = '' } }
                $probe = $Name
                if (-not $probe) { $probe = 'www.microsoft.com' }
                if ($dns) {
                    # The server answers when it resolves the name or says it does not exist; a timeout is silence.
                    $ok = $true; $message = ''
                    try { $null = Resolve-DnsName -Name $probe -Server $dns -DnsOnly -QuickTimeout -ErrorAction Stop }
                    catch {
                        if ([string]$_.FullyQualifiedErrorId -notlike 'DNS_ERROR_RCODE_NAME_ERROR*') { $ok = $false; $message = [string]$_.Exception.Message }
                    }
                    [pscustomobject]@{ Kind = 'Hop'; Hop = 'DnsServer'; Target = $dns; Succeeded = $ok; Said = $message; Address = '' }
                }
                else { [pscustomobject]@{ Kind = 'Hop'; Hop = 'DnsServer'; Target = ''; Succeeded = $false; Said = ''; Address = '' } }
                if ($Name) {
                    $address = ''; $message = ''
                    try {
                        $lookup = @{ Name = $Name; DnsOnly = $true; Type = 'A' }
                        if ($dns) { $lookup.Server = $dns }
                        $answer = @(Resolve-DnsName @lookup -ErrorAction Stop | Where-Object { $_.IP4Address })
                        if ($answer.Count -gt 0) { $address = [string]$answer[0].IP4Address } else { $message = 'no A record' }
                    }
                    catch { $message = [string]$_.Exception.Message }
                    [pscustomobject]@{ Kind = 'Hop'; Hop = 'NameResolution'; Target = $Name; Succeeded = [bool]$address; Said = $message; Address = $address }
                    if ($address) {
                        $said = $null
                        $result = Test-NetConnection -ComputerName $address -WarningAction SilentlyContinue -WarningVariable said
                        [pscustomobject]@{ Kind = 'Hop'; Hop = 'Name'; Target = $Name; Succeeded = [bool]$result.PingSucceeded; Said = (@($said) -join ' '); Address = $address }
                    }
                    else { [pscustomobject]@{ Kind = 'Hop'; Hop = 'Name'; Target = $Name; Succeeded = $false; Said = 'not tried: the name did not resolve'; Address = '' } }
                }
            }

            # The L2's addressing afterwards.
            foreach ($ip in @(Get-NetIPAddress -AddressFamily IPv4 | Where-Object { [string]$_.InterfaceAlias -notlike 'Loopback*' })) {
                [pscustomobject]@{ Kind = 'L2Address'; IPAddress = [string]$ip.IPAddress; PrefixLength = [int]$ip.PrefixLength; InterfaceAlias = [string]$ip.InterfaceAlias }
            }
            foreach ($route in $routes) { [pscustomobject]@{ Kind = 'L2Gateway'; NextHop = [string]$route.NextHop } }
            foreach ($server in $servers) { [pscustomobject]@{ Kind = 'L2Dns'; Server = [string]$server } }
        }
    }
    catch {
        [pscustomobject]@{ Kind = 'L2Failed'; ErrorId = [string]$_.FullyQualifiedErrorId; Category = [string]$_.CategoryInfo.Category; Message = [string]$_.Exception.Message }
    }
}
