using System.Globalization;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>The steps inside the L1 guest and, one PowerShell Direct hop further, inside its L2 guests.</summary>
internal sealed partial class BlueprintStepWork
{
    private static async Task<string> InGuestAsync(IHyperVHost host, VmSnapshot vm, BlueprintStepContext c, GuestCredential credential, CancellationToken cancellationToken)
    {
        var network = c.L1.Network;
        switch (c.Step.Kind)
        {
            case BlueprintStepKind.InstallHyperV:
                var installed = await Part<INestedNetworking>(host, "install Hyper-V in its guests").InstallHyperVAsync(vm.Id, credential, null, cancellationToken).ConfigureAwait(false);
                return $"Hyper-V is {(installed.Os?.HyperV is GuestHyperVState.Installed ? "installed" : "being installed")} in '{vm.Name}'.";
            case BlueprintStepKind.Networking when network.Kind is BlueprintNetworking.ExternalSwitch:
                await Part<IL1Hypervisor>(host, "create switches inside its L1 guests")
                    .CreateExternalSwitchAsync(vm.Id, credential, new ExternalSwitchRequest(network.SwitchName, BlueprintCommands.GuestAdapter), cancellationToken).ConfigureAwait(false);
                return $"External switch '{network.SwitchName}' on '{BlueprintCommands.GuestAdapter}' in '{vm.Name}'.";
            case BlueprintStepKind.Networking:
                var request = new NatNetworkRequest(network.NatPrefix ?? "", BlueprintAddresses.GatewayOf(network) ?? "", network.DnsServer, network.SwitchName);
                await Part<INestedNetworking>(host, "create a NAT in its guests").CreateNatNetworkAsync(vm.Id, credential, request, cancellationToken).ConfigureAwait(false);
                return $"NAT {request.Prefix} (gateway {request.Gateway}) on internal switch '{network.SwitchName}' in '{vm.Name}'.";
            case BlueprintStepKind.CreateL2:
                return await CreateL2Async(host, vm, c, credential, cancellationToken).ConfigureAwait(false);
            case BlueprintStepKind.ApplyAddress:
                var address = Address(c.Step) ?? throw new BlueprintStepFailedException($"The step names no address for '{c.L2!.Name}'.");
                await Part<IL2Networking>(host, "reach the L2 guests")
                    .ApplyL2AddressAsync(vm.Id, credential, c.L2!.Name, c.L2Credential ?? credential, new L2AddressRequest(address.IpAddress, address.PrefixLength, address.Gateway, address.DnsServer), cancellationToken).ConfigureAwait(false);
                return $"'{c.L2.Name}' has {address.IpAddress}/{address.PrefixLength}{(address.Gateway is null ? "" : $", gateway {address.Gateway}")}{(address.DnsServer is null ? "" : $", DNS {address.DnsServer}")}.";
            default:
                return await TestConnectivityAsync(host, vm, c, credential, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> CreateL2Async(IHyperVHost host, VmSnapshot vm, BlueprintStepContext c, GuestCredential credential, CancellationToken cancellationToken)
    {
        var l2 = c.L2!;
        var guestVms = Part<IGuestVms>(host, "reach the VMs inside its guests");
        var reading = await guestVms.GetGuestVmsAsync(vm.Id, credential, cancellationToken).ConfigureAwait(false);
        var made = "";
        if (reading.Vms.FirstOrDefault(v => Same(v.Name, l2.Name)) is not { } guestVm)
        {
            guestVm = await Part<IL1Hypervisor>(host, "create L2 VMs inside its L1 guests")
                .CreateL2VmAsync(vm.Id, credential, new L2VmRequest(l2.Name, l2.ProcessorCount, l2.MemoryStartupBytes, c.L1.Network.SwitchName, l2.OsImagePath), cancellationToken).ConfigureAwait(false);
            made = $"Created '{l2.Name}' in '{vm.Name}' on switch '{c.L1.Network.SwitchName}'. ";
        }

        if (!guestVm.IsRunning)
        {
            guestVm = await guestVms.StartGuestVmAsync(vm.Id, credential, guestVm.Id, cancellationToken).ConfigureAwait(false);
        }

        return $"{made}'{l2.Name}' is {guestVm.State}.";
    }

    private static async Task<string> TestConnectivityAsync(IHyperVHost host, VmSnapshot vm, BlueprintStepContext c, GuestCredential credential, CancellationToken cancellationToken)
    {
        var l2 = c.L2!;
        var gateway = GatewayOf(c.Step);
        var dns = Parameter(c.Step, "Resolve-DnsName", "Server") ?? c.Step.Commands.Where(x => x.Command.Name == "Test-NetConnection" && x.Command.Parameters.Any(p => p.Name == "Port"))
            .Select(x => x.Command.Parameters.First(p => p.Name == "ComputerName").Value as string).FirstOrDefault();
        var probe = Parameter(c.Step, "Resolve-DnsName", "Name");
        var report = await Part<IL2Networking>(host, "reach the L2 guests")
            .TestL2ConnectivityAsync(vm.Id, credential, l2.Name, c.L2Credential ?? credential, new L2ConnectivityRequest(gateway, dns, probe), cancellationToken).ConfigureAwait(false);
        // Each hop's detail is a sentence of its own: joined as sentences, not re-punctuated.
        var hops = string.Join(" ", report.Hops.Select(h => $"{HopName(h.Hop)} {h.Target}: {(h.Succeeded ? "reached" : "not reached")} — {h.Detail.TrimEnd('.')}."));
        return report.Succeeded
            ? $"From '{l2.Name}': {hops}"
            : throw new BlueprintStepFailedException($"'{l2.Name}' in '{vm.Name}' does not reach the network: {hops}", string.Join(" ", report.Hops.Where(h => !h.Succeeded).Select(h => h.Detail)));
    }

    private static string HopName(L2Hop hop) => hop switch
    {
        L2Hop.Gateway => "Gateway",
        L2Hop.DnsServer => "DNS server",
        L2Hop.NameResolution => "Resolving",
        _ => "Reaching",
    };

    /// <summary>The address the step's New-NetIPAddress gives (what the review showed is what runs), or null.</summary>
    private static BlueprintL2Address? Address(BlueprintStep step)
    {
        if (step.Commands.FirstOrDefault(c => c.Command.Name == "New-NetIPAddress")?.Command is not { } command)
        {
            return null;
        }

        string? Text(string name) => command.Parameters.FirstOrDefault(p => p.Name == name)?.Value is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
        var dns = step.Commands.FirstOrDefault(c => c.Command.Name == "Set-DnsClientServerAddress")?.Command.Parameters.FirstOrDefault(p => p.Name == "ServerAddresses")?.Value as IEnumerable<string>;
        return Text("IPAddress") is { } ip && int.TryParse(Text("PrefixLength"), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? new BlueprintL2Address(ip, length, Text("DefaultGateway"), dns?.FirstOrDefault())
            : null;
    }

    private static string? Parameter(BlueprintStep step, string command, string parameter) =>
        step.Commands.Where(c => c.Command.Name == command).Select(c => c.Command.Parameters.FirstOrDefault(p => p.Name == parameter)?.Value as string).FirstOrDefault(v => v is not null);

    /// <summary>The gateway's test: a Test-NetConnection without -Port before any Resolve-DnsName (a name's comes after it).</summary>
    private static string? GatewayOf(BlueprintStep step)
    {
        foreach (var command in step.Commands.Select(c => c.Command))
        {
            if (command.Name == "Resolve-DnsName")
            {
                return null;
            }

            if (command.Name == "Test-NetConnection" && command.Parameters.All(p => p.Name != "Port"))
            {
                return command.Parameters.FirstOrDefault(p => p.Name == "ComputerName")?.Value as string;
            }
        }

        return null;
    }

    private static bool HasNat(GuestNetworkState state, BlueprintNetwork network) =>
        state.SwitchNames.Any(s => Same(s, network.SwitchName))
        && state.Nats.Any(n => Ipv4Prefix.TryParse(n.InternalIPInterfaceAddressPrefix, out var have, out _) && Ipv4Prefix.TryParse(network.NatPrefix, out var want, out _) && have == want);

    private static bool HasAddress(L2GuestAddresses addresses, BlueprintL2Address? wanted) =>
        wanted is not null && addresses.Addresses.Any(a => a.IpAddress == wanted.IpAddress && a.PrefixLength == wanted.PrefixLength)
        && (wanted.Gateway is null || addresses.Gateways.Contains(wanted.Gateway));
}
