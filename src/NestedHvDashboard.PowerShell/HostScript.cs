using System.Collections.Frozen;
using System.Management.Automation.Language;
using System.Reflection;

namespace NestedHvDashboard.PowerShell;

/// <summary>The static scripts the dashboard runs on a host (embedded <c>Scripts/*.ps1</c>).</summary>
public enum HostScript
{
    /// <summary>Host facts and every VM: the watch loop's one round trip.</summary>
    Inventory,

    /// <summary>Host facts only.</summary>
    HostFacts,

    /// <summary>One VM by id. Parameters: VMId.</summary>
    GetVm,

    /// <summary>Set-VMProcessor -ExposeVirtualizationExtensions. Parameters: VMId, Enabled.</summary>
    SetNestedVirtualization,

    /// <summary>Start-VM, returning once Running. Parameters: VMId, TimeoutSeconds.</summary>
    StartVm,

    /// <summary>Stop-VM -Force / Stop-VM -TurnOff / Save-VM. Parameters: VMId, Mode, TimeoutSeconds.</summary>
    StopVm,

    /// <summary>Suspend-VM / Resume-VM / Restart-VM -Force / Remove-VMSavedState. Parameters: VMId, Action, TimeoutSeconds.</summary>
    ChangeVmPower,

    /// <summary>Set-VMNetworkAdapter -MacAddressSpoofing. Parameters: VMId, AdapterName (null: all), Enabled.</summary>
    SetMacAddressSpoofing,

    /// <summary>Set-VMMemory -DynamicMemoryEnabled (the VM must be Off). Parameters: VMId, Enabled.</summary>
    SetDynamicMemory,

    /// <summary>
    /// The host-side watch: never ends on its own; every Interval seconds writes the rows that
    /// changed since the last cycle, VmRemoved rows, then a Tick row. Parameters: Interval (seconds).
    /// </summary>
    WatchInventory,

    /// <summary>Inside the guest (PowerShell Direct): OS, Hyper-V state, switches, NAT, IPv4 addresses. Parameters: VMId, Credential.</summary>
    GuestNetwork,

    /// <summary>Inside the guest: planned commands as data, undone in reverse when one fails. Parameters: VMId, Credential, Steps.</summary>
    GuestSteps,

    /// <summary>Inside the guest: Install-WindowsFeature (Server, restarts) or Enable-WindowsOptionalFeature (client). Parameters: VMId, Credential.</summary>
    InstallHyperV,

    /// <summary>The host's virtual switches. No parameters.</summary>
    HostSwitches,

    /// <summary>New-VM ready for nesting (booting a differencing disk of an OS image when ParentPath is given), removed again if a later step fails. Parameters: Name, MemoryStartupBytes, ProcessorCount, SwitchName, Version, ParentPath (optional).</summary>
    NewVm,

    /// <summary>Remove-VM -Force by id (turned off first): check-host's scratch VM. Parameters: VMId.</summary>
    RemoveVm,

    /// <summary>Get-VMSnapshot: a VM's checkpoints, the one it runs from and its CheckpointType. Parameters: VMId.</summary>
    GetCheckpoints,

    /// <summary>Checkpoint-VM -SnapshotName. Parameters: VMId, Name.</summary>
    CreateCheckpoint,

    /// <summary>Restore-VMSnapshot of one checkpoint by id. Parameters: VMId, CheckpointId.</summary>
    ApplyCheckpoint,

    /// <summary>Remove-VMSnapshot of one checkpoint by id, optionally -IncludeAllChildSnapshots. Parameters: VMId, CheckpointId, IncludeChildren.</summary>
    RemoveCheckpoint,

    /// <summary>Update-VMVersion -Force: the host's default configuration version (the VM must be Off). Parameters: VMId.</summary>
    UpdateVmVersion,

    /// <summary>Set-VMMemory -StartupBytes, with the dynamic memory bounds moved along (the VM must be Off). Parameters: VMId, StartupBytes.</summary>
    SetStartupMemory,

    /// <summary>Set-VMProcessor -Count (the VM must be Off). Parameters: VMId, Count.</summary>
    SetProcessorCount,

    /// <summary>Inside the guest: whether Hyper-V runs and its (L2) VMs, or Stop-VM / Start-VM of one of them. Parameters: VMId, Credential, Action (Read, Stop, Start), NestedVMId.</summary>
    GuestNestedVms,

    /// <summary>Inside the guest, read only: whether Hyper-V runs, its network adapters, switches and each L2 VM adapter's switch. Parameters: VMId, Credential.</summary>
    GuestL1Switches,

    /// <summary>Inside the guest: New-VMSwitch -NetAdapterName (removed again when its host adapter does not come up), Remove-VMSwitch, or Connect-VMNetworkAdapter of one L2 VM. Parameters: VMId, Credential, Action, SwitchName, NetAdapterName, L2VMName.</summary>
    GuestL1SwitchChange,

    /// <summary>Inside the guest: New-VHD -Differencing (optional), New-VM -Generation 2, static memory, Set-VMProcessor -Count; a half-made VM is removed. Parameters: VMId, Credential, Name, ProcessorCount, MemoryStartupBytes, SwitchName, OsImagePath.</summary>
    GuestNewL2Vm,

    /// <summary>Connect-VMNetworkAdapter -SwitchName of one adapter (or every adapter) of a VM. Parameters: VMId, AdapterName (null: all), SwitchName.</summary>
    ConnectVmAdapter,

    /// <summary>
    /// Inside an L2 guest, two PowerShell Direct hops away (host → L1 → L2): read its addressing, apply a static address (undone
    /// when a step fails), or test the gateway, DNS server and a name. Parameters: VMId, Credential, L2VMName, L2Credential, Action
    /// (Read, Apply, Test), InterfaceAlias, IPAddress, PrefixLength, DefaultGateway, DnsServer, Name.
    /// </summary>
    L2Networking,
}

/// <summary>
/// The embedded script texts, read and composed once: each script with the shared functions of
/// Common.ps1 (row mapping, VM lookup) placed right after its param block, so one invocation
/// carries everything and the mapping exists once; a runspace defines them on its first call only.
/// </summary>
internal static class ScriptLibrary
{
    private static readonly FrozenDictionary<HostScript, string> Scripts = Compose();

    /// <summary>
    /// What is sent as the command's script text: a few lines that run the composed script, which travels as a parameter
    /// (<see cref="InvokerScriptParameter"/>), with the command's own parameters splatted (<see cref="InvokerParametersParameter"/>).
    /// A script sent as text (<c>AddScript</c>) is parsed and compiled again at every call, and each compile then compiles
    /// its own loops and binds its own call sites as it runs; <c>[scriptblock]::Create</c> keeps one compiled script
    /// block per text for the whole host process (Windows PowerShell 5.1 and PowerShell 7 alike), so every call and every
    /// session of the dashboard on that host shares it. User input stays in parameters: the text is always the library's.
    /// </summary>
    public const string Invoker = """
        param([string] $NhvScript, [System.Collections.IDictionary] $NhvParameters)
        $nhvCompiled = [scriptblock]::Create($NhvScript)
        if ($null -eq $NhvParameters) { $NhvParameters = @{} }
        & $nhvCompiled @NhvParameters
        """;

    /// <summary>The <see cref="Invoker"/>'s parameter that carries the composed script.</summary>
    public const string InvokerScriptParameter = "NhvScript";

    /// <summary>The <see cref="Invoker"/>'s parameter that carries the command's parameters, splatted by name.</summary>
    public const string InvokerParametersParameter = "NhvParameters";

    public static string Get(HostScript script) => Scripts[script];

    /// <summary>A script file's own text, not composed (for the <see cref="HostTools"/> module, built from the same source).</summary>
    public static string Source(string name) => Read(name);

    private static FrozenDictionary<HostScript, string> Compose()
    {
        var common = Read("Common");
        var commonHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(common)))[..16];
        return Enum.GetValues<HostScript>().ToFrozenDictionary(script => script, script =>
        {
            var body = Read(script.ToString());
            var ast = Parser.ParseInput(body, out _, out var errors);
            if (errors.Length > 0)
            {
                throw new InvalidOperationException($"The script {script}.ps1 does not parse: {errors[0].Message}");
            }

            // Defining functions is cheap, but their first run after each definition recompiles them
            // (tens of ms a call). So the shared functions are defined once per runspace, and again
            // only when this build of the dashboard ships a different Common.ps1.
            var split = ast.ParamBlock?.Extent.EndOffset ?? 0;
            return body[..split]
                + $"\nif ($global:NestedHvDashboardCommon -ne '{commonHash}') {{\n{common}\n$global:NestedHvDashboardCommon = '{commonHash}'\n}}\n"
                + body[split..];
        });
    }

    private static string Read(string name)
    {
        var resource = $"NestedHvDashboard.PowerShell.Scripts.{name}.ps1";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The script resource '{resource}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
