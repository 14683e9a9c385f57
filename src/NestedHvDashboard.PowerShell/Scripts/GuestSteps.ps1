param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][pscredential] $Credential, [Parameter(Mandatory)][object[]] $Steps)
$ErrorActionPreference = 'Stop'
$null = Find-DashboardVm -VMId $VMId
# Runs a planned list of commands inside the guest. Each step is data: a command name from the list below and
# a hashtable of parameters, splatted; nothing the user typed becomes script text. When a step fails, the
# steps done so far are undone in reverse order (each step carries its own undo, or none).
Invoke-DashboardGuestCommand -VMId $VMId -Credential $Credential -ArgumentList (, $Steps) -ScriptBlock {
    param([object[]] $Steps)
    $ErrorActionPreference = 'Stop'
    $allowed = 'New-VMSwitch', 'New-NetIPAddress', 'New-NetNat', 'Remove-NetNat', 'Remove-VMSwitch'
    foreach ($step in $Steps) {
        foreach ($command in @($step.Name, $step.Undo.Name)) {
            if ($null -ne $command -and $command -notin $allowed) {
                Write-Error -Message "The command '$command' is not one the dashboard runs in a guest." -Category InvalidArgument -ErrorAction Stop
            }
        }
    }

    $done = [System.Collections.Generic.List[object]]::new()
    foreach ($step in $Steps) {
        $parameters = $step.Parameters
        try {
            $null = & $step.Name @parameters
        }
        catch {
            $failure = $_
            $undone = [System.Collections.Generic.List[string]]::new()
            $undoFailures = [System.Collections.Generic.List[string]]::new()
            for ($i = $done.Count - 1; $i -ge 0; $i--) {
                $undo = $done[$i].Undo
                if ($null -eq $undo) { continue }
                $undoParameters = $undo.Parameters
                try {
                    $null = & $undo.Name @undoParameters
                    $undone.Add([string]$undo.Display)
                }
                catch {
                    $undoFailures.Add("$($undo.Display): $($_.Exception.Message)")
                }
            }
            [pscustomobject]@{
                Kind         = 'StepFailed'
                Index        = $done.Count
                Message      = [string]$failure.Exception.Message
                Undone       = $undone -join "`n"
                UndoFailures = $undoFailures -join "`n"
            }
            return
        }
        $done.Add($step)
    }
    [pscustomobject]@{ Kind = 'StepsDone'; Count = $done.Count }
}
