$ErrorActionPreference = 'Stop'
foreach ($switch in @(Get-VMSwitch)) {
    [pscustomobject]@{ Kind = 'Switch'; Name = [string]$switch.Name; SwitchType = [string]$switch.SwitchType }
}
