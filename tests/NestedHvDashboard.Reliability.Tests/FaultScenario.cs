using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Reliability.Tests;

/// <summary>
/// A change the matrix faults: what the user asked (enable or disable, the choice for a running VM, the companion fixes) and
/// the host it starts from (<see cref="State"/>): <see cref="VmCount"/> VMs, running or off, with nested virtualization the
/// opposite of what is asked, dynamic memory on and MAC spoofing off, plus an internal switch for a new VM.
/// </summary>
public sealed record FaultScenario(
    string Name,
    ChangeKind Kind,
    bool Enable = true,
    PowerAction Power = PowerAction.None,
    bool Running = true,
    bool MacSpoofing = false,
    bool DynamicMemoryOff = false,
    int VmCount = 1,
    bool ClientGuest = false)
{
    public const string SwitchName = "Lab";

    public const string NewVmName = "fault-new";

    /// <summary>The guest OS of the guest changes' VM (a Server: Hyper-V is installed with Install-WindowsFeature -Restart).</summary>
    public const string GuestOsName = "Windows Server 2022 Datacenter";

    /// <summary>The guest OS of a <see cref="ClientGuest"/> scenario (Hyper-V is enabled with Enable-WindowsOptionalFeature -NoRestart).</summary>
    public const string ClientGuestOsName = "Windows 11 Enterprise";

    /// <summary>The NAT the guest NAT change asks for: the reference document's.</summary>
    public static NatNetworkRequest NatRequest { get; } = new("192.168.0.0/24", "192.168.0.1");

    /// <summary>The lab guest's administrator, as the user types it in the credential dialog.</summary>
    public static GuestCredential GuestCredential { get; } = new(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword);

    /// <summary>
    /// Every change of the matrix (issue 11 part 2): one-VM enable/disable with shut down and turn off, the companion fixes, bulk,
    /// MAC spoofing, new VM, and in the guest over PowerShell Direct NAT creation and installing Hyper-V.
    /// </summary>
    public static IReadOnlyList<FaultScenario> All { get; } =
    [
        new("enable, VM off", ChangeKind.Nested, Running: false),
        new("enable, shut down", ChangeKind.Nested, Power: PowerAction.ShutDown),
        new("enable, turn off", ChangeKind.Nested, Power: PowerAction.TurnOff),
        new("disable, shut down", ChangeKind.Nested, Enable: false, Power: PowerAction.ShutDown),
        new("disable, turn off", ChangeKind.Nested, Enable: false, Power: PowerAction.TurnOff),
        new("enable + dynamic memory off + MAC spoofing, shut down", ChangeKind.Nested, Power: PowerAction.ShutDown, MacSpoofing: true, DynamicMemoryOff: true),
        new("bulk enable of 2 VMs, shut down", ChangeKind.Bulk, Power: PowerAction.ShutDown, VmCount: 2),
        new("MAC spoofing on (adapter editor)", ChangeKind.MacSpoofing),
        new("new nested-ready VM", ChangeKind.NewVm, Running: false, VmCount: 0),
        new("NAT creation in the guest", ChangeKind.GuestNat),
        new("install Hyper-V in the guest (Server)", ChangeKind.InstallHyperV),
        new("install Hyper-V in the guest (client)", ChangeKind.InstallHyperV, ClientGuest: true),
    ];

    /// <summary>True for the changes made inside the VM's guest over PowerShell Direct.</summary>
    public bool InGuest => Kind is ChangeKind.GuestNat or ChangeKind.InstallHyperV;

    /// <summary>The VM names, in bulk order.</summary>
    public IReadOnlyList<string> VmNames => [.. Enumerable.Range(1, VmCount).Select(i => $"fault-vm{i}")];

    /// <summary>The host before the change, as a state file's JSON.</summary>
    public string State(string hostName)
    {
        var host = new SimulatedHost(hostName) { Timing = SimulationTiming.Fast() };
        host.AddSwitch(SwitchName, VMSwitchType.Internal);
        if (InGuest)
        {
            // A running VM with nested virtualization on and a Windows guest that answers PowerShell Direct: with Hyper-V for the
            // NAT (it needs New-VMSwitch), without it for the install.
            var (os, version) = ClientGuest ? (ClientGuestOsName, "10.0.22631") : (GuestOsName, "10.0.20348");
            LabScenarios.AddWindowsGuestVm(host, VmNames[0], os, version, nested: true, hyperV: Kind is ChangeKind.GuestNat);
            return host.ToJson();
        }

        foreach (var name in VmNames)
        {
            host.AddVm(name, vm =>
            {
                vm.ExposeVirtualizationExtensions = !Enable;
                vm.DynamicMemoryEnabled = true;
                if (Running)
                {
                    vm.State = VMState.Running;
                    vm.RunningSince = DateTimeOffset.UtcNow.AddHours(-1);
                }
            });
        }

        return host.ToJson();
    }
}
