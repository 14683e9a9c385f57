using System.Collections.Concurrent;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>
/// A simulated lab host as the runner sees it: the real engine over the in-process simulator for the host, its VMs, the L1 guests
/// (NAT, Hyper-V install) and the L2 VMs' power; and, until their engine parts are merged, fakes of <see cref="IL1Hypervisor"/>
/// (the L2 VM is added to the simulated L1 guest's Hyper-V, booting the image's Windows) and <see cref="IL2Networking"/> (the
/// address is kept per L2; the test reaches the NAT's gateway from an address inside the L1 guest's NAT prefix).
/// </summary>
internal sealed class BlueprintLabHost(PowerShellHyperVHost inner, SimulatedHost simulated)
    : IHyperVHost, INestedNetworking, IGuestVms, IHostSwitches, IL1Hypervisor, IL2Networking
{
    private readonly ConcurrentDictionary<string, L2AddressRequest> _addresses = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _calls = new();

    /// <summary>When set, the next ApplyL2AddressAsync fails with this as the guest's words.</summary>
    public string? FailNextAddress { get; set; }

    /// <summary>The fakes' calls ("CreateL2 web", "Address web 192.168.100.2/24", "Test web"); never a password.</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    public string Name => inner.Name;

    public Task<HostFacts> GetHostFactsAsync(CancellationToken cancellationToken = default) => inner.GetHostFactsAsync(cancellationToken);

    public Task<HostInventory> GetInventoryAsync(CancellationToken cancellationToken = default) => inner.GetInventoryAsync(cancellationToken);

    public Task<VmSnapshot> GetVmAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.GetVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> SetNestedVirtualizationAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => inner.SetNestedVirtualizationAsync(vmId, enabled, cancellationToken);

    public Task<VmSnapshot> StartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.StartVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> StopVmAsync(Guid vmId, StopMode mode, CancellationToken cancellationToken = default) => inner.StopVmAsync(vmId, mode, cancellationToken);

    public Task<VmSnapshot> SuspendVmAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.SuspendVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> ResumeVmAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.ResumeVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> RestartVmAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.RestartVmAsync(vmId, cancellationToken);

    public Task<VmSnapshot> RemoveSavedStateAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.RemoveSavedStateAsync(vmId, cancellationToken);

    public Task<VmSnapshot> SetMacAddressSpoofingAsync(Guid vmId, string? adapterName, bool enabled, CancellationToken cancellationToken = default) => inner.SetMacAddressSpoofingAsync(vmId, adapterName, enabled, cancellationToken);

    public Task<VmSnapshot> SetDynamicMemoryAsync(Guid vmId, bool enabled, CancellationToken cancellationToken = default) => inner.SetDynamicMemoryAsync(vmId, enabled, cancellationToken);

    public Task<VmSnapshot> UpdateVmVersionAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.UpdateVmVersionAsync(vmId, cancellationToken);

    public Task<VmSnapshot> SetStartupMemoryAsync(Guid vmId, long startupBytes, CancellationToken cancellationToken = default) => inner.SetStartupMemoryAsync(vmId, startupBytes, cancellationToken);

    public Task<VmSnapshot> SetProcessorCountAsync(Guid vmId, long count, CancellationToken cancellationToken = default) => inner.SetProcessorCountAsync(vmId, count, cancellationToken);

    public Task<VmCheckpoints> GetCheckpointsAsync(Guid vmId, CancellationToken cancellationToken = default) => inner.GetCheckpointsAsync(vmId, cancellationToken);

    public Task<VmSnapshot> CreateCheckpointAsync(Guid vmId, string name, CancellationToken cancellationToken = default) => inner.CreateCheckpointAsync(vmId, name, cancellationToken);

    public Task<VmSnapshot> ApplyCheckpointAsync(Guid vmId, Guid checkpointId, CancellationToken cancellationToken = default) => inner.ApplyCheckpointAsync(vmId, checkpointId, cancellationToken);

    public Task<VmSnapshot> RemoveCheckpointAsync(Guid vmId, Guid checkpointId, bool includeChildren, CancellationToken cancellationToken = default) => inner.RemoveCheckpointAsync(vmId, checkpointId, includeChildren, cancellationToken);

    public Task<GuestNetworkState> GetGuestNetworkStateAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default) => inner.GetGuestNetworkStateAsync(vmId, credential, cancellationToken);

    public Task<GuestNetworkState> CreateNatNetworkAsync(Guid vmId, GuestCredential credential, NatNetworkRequest request, CancellationToken cancellationToken = default) => inner.CreateNatNetworkAsync(vmId, credential, request, cancellationToken);

    public Task<GuestNetworkState> RemoveNatNetworkAsync(Guid vmId, GuestCredential credential, string? natName, string? switchName, CancellationToken cancellationToken = default) => inner.RemoveNatNetworkAsync(vmId, credential, natName, switchName, cancellationToken);

    public Task<GuestNetworkState> InstallHyperVAsync(Guid vmId, GuestCredential credential, IProgress<string>? progress = null, CancellationToken cancellationToken = default) => inner.InstallHyperVAsync(vmId, credential, progress, cancellationToken);

    public Task<VmSnapshot> CreateVmAsync(NewVmRequest request, IProgress<OperationStep>? progress = null, CancellationToken cancellationToken = default) => inner.CreateVmAsync(request, progress, cancellationToken);

    public Task<GuestVmsReading> GetGuestVmsAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default) => inner.GetGuestVmsAsync(vmId, credential, cancellationToken);

    public Task<GuestVm> StopGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default) => inner.StopGuestVmAsync(vmId, credential, nestedVmId, cancellationToken);

    public Task<GuestVm> StartGuestVmAsync(Guid vmId, GuestCredential credential, Guid nestedVmId, CancellationToken cancellationToken = default) => inner.StartGuestVmAsync(vmId, credential, nestedVmId, cancellationToken);

    public Task<IReadOnlyList<string>> GetSwitchNamesAsync(CancellationToken cancellationToken = default) => inner.GetSwitchNamesAsync(cancellationToken);

    public Task<L1SwitchesReading> GetL1SwitchesAsync(Guid vmId, GuestCredential credential, CancellationToken cancellationToken = default)
    {
        var guest = SignIn(vmId, credential);
        return Task.FromResult(new L1SwitchesReading(true, [], guest.Host.Read(h => h.Switches.Select(s => new L1Switch(s.Name, s.SwitchType.ToString(), s.NetAdapterName)).ToList()), []));
    }

    public Task<L1SwitchesReading> CreateExternalSwitchAsync(Guid vmId, GuestCredential credential, ExternalSwitchRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The NAT lab does not create external switches.");

    public Task<L1SwitchesReading> RemoveExternalSwitchAsync(Guid vmId, GuestCredential credential, string switchName, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The NAT lab does not remove external switches.");

    public Task<L1SwitchesReading> ConnectL2AdapterAsync(Guid vmId, GuestCredential credential, string l2VmName, string switchName, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The NAT lab connects L2 adapters as it creates them.");

    public Task<GuestVm> CreateL2VmAsync(Guid vmId, GuestCredential credential, L2VmRequest request, CancellationToken cancellationToken = default)
    {
        var guest = SignIn(vmId, credential);
        _calls.Enqueue($"CreateL2 {request.Name}");
        var vm = guest.Host.AddVm(request.Name, v =>
        {
            v.ProcessorCount = request.ProcessorCount;
            v.MemoryStartupBytes = v.MemoryMinimumBytes = v.MemoryMaximumBytes = request.MemoryStartupBytes;
            v.NetworkAdapters[0].SwitchName = request.SwitchName;
        });
        if (SimulatedImages.Find(request.OsImagePath) is { } image)
        {
            guest.Host.Update(_ =>
            {
                vm.GuestOsName = image.OsName;
                vm.GuestOsVersion = image.OsVersion;
                vm.Guest = LabScenarios.CreateGuest(guest.Host, vm);
            });
        }

        return Task.FromResult(new GuestVm(vm.Id, vm.Name, VmState.Off));
    }

    public Task<L2GuestAddresses> GetL2AddressesAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, CancellationToken cancellationToken = default)
    {
        SignIn(l1VmId, l1Credential);
        return Task.FromResult(AddressesOf(l2VmName));
    }

    public Task<L2GuestAddresses> ApplyL2AddressAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2AddressRequest request, CancellationToken cancellationToken = default)
    {
        SignIn(l1VmId, l1Credential);
        _calls.Enqueue($"Address {l2VmName} {request.IpAddress}/{request.PrefixLength}");
        if (FailNextAddress is { } failure)
        {
            FailNextAddress = null;
            throw new HostOperationException(HostErrorKind.HostRefused, Name, $"New-NetIPAddress inside L2 VM '{l2VmName}'", failure, l2VmName);
        }

        _addresses[l2VmName] = request;
        return Task.FromResult(AddressesOf(l2VmName));
    }

    public Task<L2ConnectivityReport> TestL2ConnectivityAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2ConnectivityRequest request, CancellationToken cancellationToken = default)
    {
        var guest = SignIn(l1VmId, l1Credential);
        _calls.Enqueue($"Test {l2VmName}");
        var nat = guest.Host.Read(h => h.NetNat?.InternalIPInterfaceAddressPrefix);
        var inside = _addresses.TryGetValue(l2VmName, out var address) && nat is not null && Ipv4Prefix.TryParse(nat, out var prefix, out _)
            && Ipv4Address.TryParse(address.IpAddress, out var ip, out _) && prefix.Contains(ip);
        var detail = inside ? $"from {address!.IpAddress} through the NAT {nat}" : "the L2 has no address inside the L1's NAT prefix";
        List<L2HopResult> hops = [new(L2Hop.Gateway, request.Gateway ?? "(the guest's)", inside, detail)];
        if (request.Name is { } name)
        {
            hops.Add(new(L2Hop.NameResolution, name, inside, detail));
        }

        return Task.FromResult(new L2ConnectivityReport(l2VmName, hops));
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private L2GuestAddresses AddressesOf(string l2VmName) => _addresses.TryGetValue(l2VmName, out var a)
        ? new L2GuestAddresses(l2VmName, [new L2GuestAddress(a.InterfaceAlias, a.IpAddress, a.PrefixLength)], a.Gateway is null ? [] : [a.Gateway], a.DnsServer is null ? [] : [a.DnsServer])
        : new L2GuestAddresses(l2VmName, [], [], []);

    private SimulatedGuest SignIn(Guid vmId, GuestCredential credential)
    {
        var vm = simulated.FindVm(vmId) ?? throw new HostOperationException(HostErrorKind.VmNotFound, Name, "PowerShell Direct", $"No VM {vmId}.");
        var guest = simulated.Read(_ => vm.Guest) ?? throw new HostOperationException(HostErrorKind.HostRefused, Name, "PowerShell Direct", $"VM '{vm.Name}' has no guest OS.", vm.Name);
        return guest.Accepts(credential.UserName, credential.Password, vm.Name)
            ? guest
            : throw new HostOperationException(HostErrorKind.GuestAuthenticationFailed, Name, "PowerShell Direct", "The user name or password is incorrect.", vm.Name);
    }
}
