# Shared by every dashboard script, dot-sourced before it in the same invocation: the one place
# that turns Hyper-V objects into the dashboard's rows. Rows are flat [pscustomobject]s of
# primitive types (strings, ints, longs, bools) so they deserialize identically over remoting.

function global:Get-DashboardHostRow {
    # Get-CimInstance first: on PowerShell without CIM (the simulator on Linux) this loads the
    # module that answers it, and with it everything below.
    $os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop
    $computer = Get-CimInstance -ClassName Win32_ComputerSystem -ErrorAction Stop
    $processor = @(Get-CimInstance -ClassName Win32_Processor -ErrorAction Stop)[0]
    $enclosure = @(Get-CimInstance -ClassName Win32_SystemEnclosure -ErrorAction SilentlyContinue)[0]

    $hyperVModule = $null -ne (Get-Command -Name Get-VMHostSupportedVersion -CommandType Cmdlet, Function, Alias -ErrorAction SilentlyContinue)
    $supported = ''
    $default = ''
    if ($hyperVModule) {
        $supported = @(Get-VMHostSupportedVersion -ErrorAction Stop |
                Sort-Object -Property Version |
                ForEach-Object { $_.Version.ToString() }) -join ';'
        $defaultVersion = Get-VMHostSupportedVersion -Default -ErrorAction Stop
        if ($null -ne $defaultVersion) { $default = $defaultVersion.Version.ToString() }
    }

    $isAzure = $false
    $securityType = ''
    # Azure's SMBIOS asset tag; only an Azure VM has it, so only then is instance metadata asked.
    if ($null -ne $enclosure -and $enclosure.SMBIOSAssetTag -eq '7783-7084-3265-9085-8269-3286-77') {
        $isAzure = $true
        try {
            # Instance metadata must be asked directly, never through a proxy. -NoProxy exists only in PowerShell 6+; a
            # web session whose proxy has no address bypasses every proxy on Windows PowerShell 5.1 and PowerShell 7 alike.
            $direct = New-Object -TypeName Microsoft.PowerShell.Commands.WebRequestSession
            $direct.Proxy = New-Object -TypeName System.Net.WebProxy
            $compute = Invoke-RestMethod -Headers @{ Metadata = 'true' } -Uri 'http://169.254.169.254/metadata/instance/compute?api-version=2021-02-01' -TimeoutSec 2 -WebSession $direct -ErrorAction Stop
            $securityType = [string]$compute.securityProfile.securityType
        }
        catch {
            # An Azure VM whose metadata does not answer: its security type is not known, not Standard.
            $securityType = 'Unknown'  # HostFacts.AzureSecurityTypeUnknown: the readiness rule answers unknown
        }
    }

    # Failover cluster membership: live migration of a VM that hosts VMs fails. Get-Cluster (FailoverClusters module,
    # present only with the clustering tools) names the cluster; without it, a running cluster service still says "node".
    # Which of Get-Cluster and Get-Service this host has, asked once per session: Get-Command of a command that is not
    # there searches every module and PATH folder, ~90-120 ms each on pwsh 7.6 — most of a listing's host time on a host
    # without the clustering tools. Tools installed while the dashboard is connected are seen from its next connection.
    # Every Get-Command here names the command types a host offers them as (-CommandType: in Windows PowerShell 5.1 too),
    # so a missing one is not looked for among the PATH's programs: a third of the time (60 -> 21 ms on pwsh 7.6).
    if ($null -eq $global:NestedHvDashboardHostCommands) {
        $global:NestedHvDashboardHostCommands = @{
            Cluster = $null -ne (Get-Command -Name Get-Cluster -CommandType Cmdlet, Function, Alias -ErrorAction SilentlyContinue)
            Service = $null -ne (Get-Command -Name Get-Service -CommandType Cmdlet, Function, Alias -ErrorAction SilentlyContinue)
        }
    }
    $clusterMember = $false
    $clusterName = ''
    if ($global:NestedHvDashboardHostCommands.Cluster) {
        try {
            $cluster = Get-Cluster -ErrorAction Stop
            if ($null -ne $cluster) {
                $clusterMember = $true
                $clusterName = [string]$cluster.Name
            }
        }
        catch {
            # Not a node ("The cluster service is not running"), or the cluster did not answer: the service decides below.
        }
    }
    if (-not $clusterMember -and $global:NestedHvDashboardHostCommands.Service) {
        $clusterService = Get-Service -Name ClusSvc -ErrorAction SilentlyContinue
        $clusterMember = $null -ne $clusterService -and [string]$clusterService.Status -eq 'Running'
    }

    [pscustomobject]@{
        Kind                  = 'Host'
        Name                  = [string]$computer.Name
        OsCaption             = [string]$os.Caption
        OsVersion             = [string]$os.Version
        OsBuild               = [int]$os.BuildNumber
        ProductType           = [int]$os.ProductType
        ProcessorManufacturer = [string]$processor.Manufacturer
        ProcessorModel        = [string]$processor.Name
        LogicalProcessors     = [int]$computer.NumberOfLogicalProcessors
        MemoryBytes           = [long]$computer.TotalPhysicalMemory
        HypervisorPresent     = [bool]$computer.HypervisorPresent
        HyperVModule          = $hyperVModule
        SupportedVersions     = $supported
        DefaultVersion        = $default
        IsAzureVm             = $isAzure
        AzureSecurityType     = $securityType
        # Windows reports these False while a hypervisor runs; empty when the processor does not report them.
        VirtualizationFirmwareEnabled = if ($null -ne $processor.VirtualizationFirmwareEnabled) { [bool]$processor.VirtualizationFirmwareEnabled } else { '' }
        SecondLevelAddressTranslation = if ($null -ne $processor.SecondLevelAddressTranslationExtensions) { [bool]$processor.SecondLevelAddressTranslationExtensions } else { '' }
        InFailoverCluster     = $clusterMember
        ClusterName           = $clusterName
    }
}

function global:Find-DashboardVm {
    param([Parameter(Mandatory)][guid] $VMId)

    $lookupErrors = $null
    $vm = Get-VM -Id $VMId -ErrorAction SilentlyContinue -ErrorVariable lookupErrors
    if ($null -eq $vm) {
        if ($lookupErrors -and $lookupErrors[0].CategoryInfo.Category -notin 'ObjectNotFound', 'InvalidArgument') {
            # Not "no such VM" (e.g. access denied): the host's own error, as it is.
            throw $lookupErrors[0]
        }
        $message = if ($lookupErrors) { $lookupErrors[0].ToString() } else { "Hyper-V was unable to find a virtual machine with ID '$VMId'." }
        Write-Error -Message $message -Category ObjectNotFound -ErrorId 'VMNotFound' -TargetObject $VMId -ErrorAction Stop
    }
    $vm
}

function global:Wait-DashboardVmState {
    # Hyper-V's cmdlets return when the job is done; this covers hosts that report the
    # transition state a moment longer. The caller's timeout bounds it as well.
    param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][string[]] $State, [int] $TimeoutSeconds = 60)

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([string](Get-VM -Id $VMId -ErrorAction Stop).State -notin $State) {
        if ([DateTime]::UtcNow -gt $deadline) {
            Write-Error -Message "The virtual machine did not reach the state $($State -join ' or ') within $TimeoutSeconds seconds." -Category OperationTimeout -ErrorAction Stop
        }
        Start-Sleep -Milliseconds 100
    }
}

function global:ConvertTo-DashboardVmRow {
    # Every VM's rows with one query per kind of object, never one per VM: processor and memory
    # settings come from Get-VMProcessor / Get-VMMemory over all VMs at once, not from the Get-VM
    # objects, whose ProcessorCount, DynamicMemoryEnabled and MemoryStartup go back to WMI per VM on
    # real Hyper-V (Windows-Admin-Center-Ideas-and-Feedback #120: 150 VMs, 25 s against 2 s).
    param([object[]] $VM)

    if ($null -eq $VM -or $VM.Count -eq 0) { return }

    $processors = @{}
    foreach ($processor in @(Get-VMProcessor -VM $VM -ErrorAction Stop)) {
        $processors[([string]$processor.VMId).ToLowerInvariant()] = $processor
    }

    $memories = @{}
    foreach ($memory in @(Get-VMMemory -VM $VM -ErrorAction Stop)) {
        $memories[([string]$memory.VMId).ToLowerInvariant()] = $memory
    }

    $checkpointed = @{}
    foreach ($checkpoint in @(Get-VMSnapshot -VM $VM -ErrorAction Stop)) {
        $checkpointed[([string]$checkpoint.VMId).ToLowerInvariant()] = $true
    }

    $guests = @{}
    try {
        foreach ($kvp in @(Get-CimInstance -Namespace 'root\virtualization\v2' -ClassName Msvm_KvpExchangeComponent -ErrorAction Stop)) {
            $guest = @{ OSName = ''; OSVersion = '' }
            foreach ($item in @($kvp.GuestIntrinsicExchangeItems)) {
                # Parse only the two items wanted (a guest writes a dozen or more): an XML parse per item is most of this loop.
                if (-not ([string]$item).Contains('>OSName<') -and -not ([string]$item).Contains('>OSVersion<')) { continue }
                try {
                    # Plain loops, not Where-Object: this runs for every item of every VM on the hot path.
                    $itemName = ''
                    $data = ''
                    foreach ($property in ([xml]$item).INSTANCE.PROPERTY) {
                        if ($property.NAME -eq 'Name') { $itemName = [string]$property.VALUE }
                        elseif ($property.NAME -eq 'Data') { $data = [string]$property.VALUE }
                    }
                    if ($itemName -eq 'OSName' -or $itemName -eq 'OSVersion') {
                        $guest[$itemName] = $data
                    }
                }
                catch {
                    # A guest-written item that is not the expected XML says nothing about the OS.
                }
            }
            $guests[([string]$kvp.SystemName).ToLowerInvariant()] = $guest
        }
    }
    catch {
        # Guest OS facts are optional: a host without the KVP class still lists its VMs.
    }

    foreach ($adapter in @(Get-VMNetworkAdapter -VM $VM -ErrorAction Stop)) {
        [pscustomobject]@{
            Kind               = 'Adapter'
            VMId               = ([string]$adapter.VMId).ToLowerInvariant()
            Name               = [string]$adapter.Name
            SwitchName         = [string]$adapter.SwitchName
            MacAddress         = [string]$adapter.MacAddress
            MacAddressSpoofing = [string]$adapter.MacAddressSpoofing -eq 'On'
        }
    }

    foreach ($machine in $VM) {
        $id = ([string]$machine.Id).ToLowerInvariant()
        $guest = $guests[$id]
        $memory = $memories[$id]
        [pscustomobject]@{
            Kind                           = 'Vm'
            Id                             = $id
            Name                           = [string]$machine.Name
            State                          = [string]$machine.State
            UptimeTicks                    = [long]$machine.Uptime.Ticks
            CpuUsage                       = [int]$machine.CPUUsage
            MemoryAssigned                 = [long]$machine.MemoryAssigned
            DynamicMemoryEnabled           = [bool]$memory.DynamicMemoryEnabled
            MemoryStartup                  = [long]$memory.Startup
            Version                        = [string]$machine.Version
            Generation                     = [int]$machine.Generation
            ProcessorCount                 = [int]$processors[$id].Count
            ExposeVirtualizationExtensions = [bool]$processors[$id].ExposeVirtualizationExtensions
            HasCheckpoints                 = $checkpointed.ContainsKey($id)
            GuestOsName                    = if ($null -ne $guest) { $guest.OSName } else { '' }
            GuestOsVersion                 = if ($null -ne $guest) { $guest.OSVersion } else { '' }
            IsClustered                    = [bool]$machine.IsClustered
        }
    }
}

function global:Invoke-DashboardGuestCommand {
    # PowerShell Direct into a VM's guest. Its failures come back as plain errors the engine can classify:
    # a wrong guest credential (InvalidCredential), a VM that is not running (InvalidOperation), anything
    # else as the guest or Hyper-V said it. Never as a transport failure: the host connection itself is fine.
    param([Parameter(Mandatory)][guid] $VMId, [Parameter(Mandatory)][pscredential] $Credential, [Parameter(Mandatory)][scriptblock] $ScriptBlock, [object[]] $ArgumentList = @())

    try {
        Invoke-Command -VMId $VMId -Credential $Credential -ScriptBlock $ScriptBlock -ArgumentList $ArgumentList -ErrorAction Stop
    }
    catch {
        $record = $_
        $id = [string]$record.FullyQualifiedErrorId
        $errorId = 'GuestCommandFailed'
        $category = $record.CategoryInfo.Category
        if ($id -like 'InvalidCredential*') { $errorId = 'InvalidCredential'; $category = 'AuthenticationError' }
        elseif ($id -like 'InvalidVMState*') { $category = 'InvalidOperation' }
        elseif ($category -in 'ObjectNotFound', 'InvalidOperation') { $category = 'InvalidArgument' }  # inside the guest: not "VM not found" / "VM state"
        Write-Error -Message $record.Exception.Message -Category $category -ErrorId $errorId -ErrorAction Stop
    }
}
