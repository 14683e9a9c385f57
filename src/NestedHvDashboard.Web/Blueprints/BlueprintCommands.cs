using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// A blueprint's steps for one L1 in the order they run — create, nested on, companion fixes, start, Hyper-V inside, networking,
/// then each L2 created and addressed, then each L2's connectivity tested — each with the commands it runs and where.
/// </summary>
public static class BlueprintCommands
{
    /// <summary>The L2 guest's adapter, as a fresh Windows guest names its first one.</summary>
    public const string GuestAdapter = L2AddressPlan.DefaultInterfaceAlias;

    /// <summary>How a command shows its disk in the host's virtual hard disk folder (Get-VMHost's VirtualHardDiskPath).</summary>
    public const string DiskFolder = "<VirtualHardDiskPath>";

    /// <summary>"on HV-LAB-01": a command the L1's host runs.</summary>
    public static string On(string host) => $"on {host}";

    /// <summary>"in lab-a": a command run inside the L1 guest over PowerShell Direct.</summary>
    public static string In(string l1) => $"in {l1}";

    /// <summary>"in lab-a → in lab-a-web": a command run inside the L2 guest, over PowerShell Direct from inside the L1.</summary>
    public static string In(string l1, string l2) => $"in {l1} → in {l2}";

    /// <summary>What the audit trail's action names for the step ("Create L1 'lab-a'").</summary>
    public static string ActionOf(BlueprintStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Kind switch
        {
            BlueprintStepKind.CreateL1 => $"Create L1 '{step.L1}'",
            BlueprintStepKind.EnableNested => $"Enable nested on '{step.L1}'",
            BlueprintStepKind.CompanionFixes => $"Companion fixes on '{step.L1}'",
            BlueprintStepKind.StartL1 => $"Start L1 '{step.L1}'",
            BlueprintStepKind.InstallHyperV => $"Install Hyper-V in '{step.L1}'",
            BlueprintStepKind.Networking => $"Networking in '{step.L1}'",
            BlueprintStepKind.CreateL2 => $"Create L2 '{step.L2}' in '{step.L1}'",
            BlueprintStepKind.ApplyAddress => $"Apply address in '{step.L2}'",
            _ => $"Test connectivity from '{step.L2}'",
        };
    }

    /// <summary>The L1's steps, numbered from <paramref name="firstIndex"/>; <paramref name="version"/> is the configuration version New-VM is given.</summary>
    public static IReadOnlyList<BlueprintStep> ForL1(Blueprint blueprint, BlueprintL1 l1, string version, IReadOnlyList<BlueprintL2Address?> addresses, BlueprintL1Facts facts, int firstIndex)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(facts);
        var steps = new List<BlueprintStep>();
        var (host, name, external) = (l1.Host, l1.Name, l1.Network.Kind is BlueprintNetworking.ExternalSwitch);
        void Add(BlueprintStepKind kind, string? l2, string title, IEnumerable<BlueprintCommand> commands, bool done = false) =>
            steps.Add(new BlueprintStep(firstIndex + steps.Count, kind, host, name, l2, title, [.. commands], done));

        Add(BlueprintStepKind.CreateL1, null, $"Create L1 '{name}' on {host}{(l1.OsImagePath is null ? "" : $" from {l1.OsImagePath}")}", CreateL1(l1, version), facts.Exists);
        Add(BlueprintStepKind.EnableNested, null, $"Turn nested virtualization on for '{name}'",
            [new(On(host), new("Set-VMProcessor", [new("VMName", name), new("ExposeVirtualizationExtensions", true)]))], facts.NestedOn);
        List<BlueprintCommand> fixes = [new(On(host), new("Set-VMMemory", [new("VMName", name), new("DynamicMemoryEnabled", false)]))];
        if (external)
        {
            fixes.Add(new(On(host), new("Set-VMNetworkAdapter", [new("VMName", name), new("MacAddressSpoofing", "On")])));
        }

        Add(BlueprintStepKind.CompanionFixes, null, $"Companion fixes on '{name}': static memory{(external ? ", MAC spoofing on" : "")}", fixes, facts.FixesDone(external));
        Add(BlueprintStepKind.StartL1, null, $"Start '{name}'", [new(On(host), new("Start-VM", [new("Name", name)]))], facts.Running);
        Add(BlueprintStepKind.InstallHyperV, null, $"Install Hyper-V in '{name}' and restart it",
            [new(In(name), new("Install-WindowsFeature", [new("Name", "Hyper-V"), new("IncludeManagementTools"), new("Restart")]))]);
        Add(BlueprintStepKind.Networking, null, NetworkingTitle(l1), Networking(l1));
        for (var i = 0; i < l1.L2s.Count; i++)
        {
            var l2 = l1.L2s[i];
            Add(BlueprintStepKind.CreateL2, l2.Name, $"Create L2 '{l2.Name}' in '{name}' on switch '{l1.Network.SwitchName}' and start it", CreateL2(l1, l2));
            if (addresses[i] is { } address)
            {
                Add(BlueprintStepKind.ApplyAddress, l2.Name, $"Give '{l2.Name}' the address {address.IpAddress}/{address.PrefixLength}", ApplyAddress(name, l2.Name, address));
            }
        }

        for (var i = 0; i < l1.L2s.Count; i++)
        {
            var l2 = l1.L2s[i];
            var address = addresses[i];
            var gateway = address?.Gateway ?? BlueprintAddresses.GatewayOf(l1.Network);
            var dns = address?.DnsServer ?? (string.IsNullOrWhiteSpace(l1.Network.DnsServer) ? null : l1.Network.DnsServer.Trim());
            Add(BlueprintStepKind.TestConnectivity, l2.Name, $"Test connectivity from '{l2.Name}'", TestConnectivity(name, l2.Name, gateway, dns, blueprint.ConnectivityProbe));
        }

        return steps;
    }

    private static IEnumerable<BlueprintCommand> CreateL1(BlueprintL1 l1, string version)
    {
        var where = On(l1.Host);
        var disk = l1.OsImagePath is null ? null : $@"{DiskFolder}\{NewVmPlan.DiskFileNameFor(l1.Name)}";
        if (disk is not null)
        {
            yield return new(where, new("New-VHD", [new("Path", disk), new("ParentPath", l1.OsImagePath), new("Differencing")]));
        }

        yield return new(where, new("New-VM", [
            new("Name", l1.Name), new("Generation", 2), new("Version", version), new("MemoryStartupBytes", l1.MemoryStartupBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("SwitchName", l1.SwitchName), disk is null ? new("NoVHD") : new("VHDPath", disk)]));
        yield return new(where, new("Set-VMMemory", [new("VMName", l1.Name), new("DynamicMemoryEnabled", false)]));
        yield return new(where, new("Set-VMProcessor", [new("VMName", l1.Name), new("Count", l1.ProcessorCount), new("ExposeVirtualizationExtensions", true)]));
        yield return new(where, new("Set-VMNetworkAdapter", [new("VMName", l1.Name), new("MacAddressSpoofing", "On")]));
    }

    private static string NetworkingTitle(BlueprintL1 l1) => l1.Network.Kind is BlueprintNetworking.Nat
        ? $"NAT {l1.Network.NatPrefix} on internal switch '{l1.Network.SwitchName}' in '{l1.Name}'"
        : $"External switch '{l1.Network.SwitchName}' on adapter '{GuestAdapter}' in '{l1.Name}'";

    private static IEnumerable<BlueprintCommand> Networking(BlueprintL1 l1)
    {
        var where = In(l1.Name);
        var network = l1.Network;
        if (network.Kind is BlueprintNetworking.ExternalSwitch)
        {
            return [new(where, new("New-VMSwitch", [new("Name", network.SwitchName), new("NetAdapterName", GuestAdapter), new("AllowManagementOS", true)]))];
        }

        var request = new NatNetworkRequest(network.NatPrefix ?? "", BlueprintAddresses.GatewayOf(network) ?? "", network.DnsServer, network.SwitchName);
        return NatNetworkPlan.Create(request, GuestNetworkState.Empty) is { IsValid: true } plan
            ? plan.Plan.Commands.Select(c => new BlueprintCommand(where, c))
            : [];
    }

    private static IEnumerable<BlueprintCommand> CreateL2(BlueprintL1 l1, BlueprintL2 l2)
    {
        var where = In(l1.Name);
        var disk = l2.OsImagePath is null ? null : $@"{DiskFolder}\{NewVmPlan.DiskFileNameFor(l2.Name)}";
        if (disk is not null)
        {
            yield return new(where, new("New-VHD", [new("Path", disk), new("ParentPath", l2.OsImagePath), new("Differencing")]));
        }

        yield return new(where, new("New-VM", [
            new("Name", l2.Name), new("Generation", 2), new("MemoryStartupBytes", l2.MemoryStartupBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("SwitchName", l1.Network.SwitchName), disk is null ? new("NoVHD") : new("VHDPath", disk)]));
        yield return new(where, new("Set-VMProcessor", [new("VMName", l2.Name), new("Count", l2.ProcessorCount)]));
        yield return new(where, new("Start-VM", [new("Name", l2.Name)]));
    }

    private static IEnumerable<BlueprintCommand> ApplyAddress(string l1, string l2, BlueprintL2Address address)
    {
        var where = In(l1, l2);
        yield return new(where, new("Remove-NetIPAddress", [new("InterfaceAlias", GuestAdapter), new("AddressFamily", "IPv4"), new("Confirm", false)]));
        List<PlannedParameter> parameters = [new("IPAddress", address.IpAddress), new("PrefixLength", address.PrefixLength)];
        if (address.Gateway is { } gateway)
        {
            parameters.Add(new("DefaultGateway", gateway));
        }

        parameters.Add(new("InterfaceAlias", GuestAdapter));
        yield return new(where, new("New-NetIPAddress", parameters));
        if (address.DnsServer is { } dns)
        {
            yield return new(where, new("Set-DnsClientServerAddress", [new("InterfaceAlias", GuestAdapter), new("ServerAddresses", new[] { dns })]));
        }
    }

    private static IEnumerable<BlueprintCommand> TestConnectivity(string l1, string l2, string? gateway, string? dns, string? probe)
    {
        var where = In(l1, l2);
        if (gateway is not null)
        {
            yield return new(where, new("Test-NetConnection", [new("ComputerName", gateway)]));
        }

        if (dns is not null)
        {
            yield return new(where, new("Test-NetConnection", [new("ComputerName", dns), new("Port", 53)]));
        }

        if (!string.IsNullOrWhiteSpace(probe))
        {
            List<PlannedParameter> resolve = [new("Name", probe.Trim())];
            if (dns is not null)
            {
                resolve.Add(new("Server", dns));
            }

            yield return new(where, new("Resolve-DnsName", resolve));
            yield return new(where, new("Test-NetConnection", [new("ComputerName", probe.Trim())]));
        }
    }
}

/// <summary>What the review found of an L1 on its host (all false when it does not exist yet).</summary>
/// <param name="Exists">The L1 exists and this blueprint made it.</param>
/// <param name="NestedOn">Nested virtualization is on.</param>
/// <param name="StaticMemory">Dynamic memory is off.</param>
/// <param name="SpoofingOn">MAC spoofing is on on every adapter.</param>
/// <param name="Running">The VM runs.</param>
public sealed record BlueprintL1Facts(bool Exists, bool NestedOn, bool StaticMemory, bool SpoofingOn, bool Running)
{
    /// <summary>An L1 that does not exist yet.</summary>
    public static BlueprintL1Facts None { get; } = new(false, false, false, false, false);

    /// <summary>The facts of an existing L1 VM.</summary>
    public static BlueprintL1Facts Of(VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return new(true, vm.ExposeVirtualizationExtensions, !vm.DynamicMemoryEnabled, vm.NetworkAdapters.Count > 0 && vm.NetworkAdapters.All(a => a.MacAddressSpoofing), vm.State is VmState.Running);
    }

    /// <summary>True when the companion fixes are already so.</summary>
    public bool FixesDone(bool external) => Exists && StaticMemory && (!external || SpoofingOn);
}
