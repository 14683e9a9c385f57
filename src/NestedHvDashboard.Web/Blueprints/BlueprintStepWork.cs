using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>One step as the runner runs it: the blueprint's L1 (and L2), the step, and the guest accounts to sign in with.</summary>
/// <param name="Blueprint">The blueprint.</param>
/// <param name="L1">The step's L1.</param>
/// <param name="L2">The step's L2, or null.</param>
/// <param name="Step">The step as reviewed (its commands are what runs).</param>
/// <param name="L1Credential">The L1 guest's account; null: its remembered one.</param>
/// <param name="L2Credential">The L2 guest's account.</param>
internal sealed record BlueprintStepContext(Blueprint Blueprint, BlueprintL1 L1, BlueprintL2? L2, BlueprintStep Step, GuestCredential? L1Credential, GuestCredential? L2Credential);

/// <summary>A step that could not be done: what the user reads (naming the host and VM) and what the host or guest said.</summary>
internal sealed class BlueprintStepFailedException(string message, string? hostMessage = null) : Exception(message)
{
    /// <summary>The host's or guest's own words, when they said something.</summary>
    public string? HostMessage { get; } = hostMessage;
}

/// <summary>
/// What each step kind checks (is the lab already so?) and does, through the engine's own operations: New-VM with its rollback,
/// the nested switch, the companion fixes, Start-VM, the guest's Hyper-V install and NAT, and the L1's and L2's parts
/// (<see cref="IL1Hypervisor"/>, <see cref="IL2Networking"/>) where the host's connection has them. Changes to the L1 take its
/// per-VM lock, as the VM page's changes do.
/// </summary>
internal sealed partial class BlueprintStepWork(IHostLookup hosts, NestedVirtualizationOperations operations, Func<BlueprintStepContext, Guid, Task<GuestCredential?>> rememberedCredential, InventoryStore? inventory)
{
    /// <summary>True when the lab already is what the step makes it (then it is skipped as done).</summary>
    public async Task<bool> IsDoneAsync(BlueprintStepContext c, CancellationToken cancellationToken)
    {
        var host = Host(c);
        var vm = await FindL1Async(host, c.L1.Name, cancellationToken).ConfigureAwait(false);
        var external = c.L1.Network.Kind is BlueprintNetworking.ExternalSwitch;
        switch (c.Step.Kind)
        {
            case BlueprintStepKind.CreateL1:
                return vm is not null;
            case BlueprintStepKind.EnableNested:
                return vm is { ExposeVirtualizationExtensions: true };
            case BlueprintStepKind.CompanionFixes:
                return vm is not null && BlueprintL1Facts.Of(vm).FixesDone(external);
            case BlueprintStepKind.StartL1:
                return vm is { State: VmState.Running };
            case BlueprintStepKind.TestConnectivity:
                return false;
            default:
                break;
        }

        // Inside the guest: only a running L1 can say; one that does not run is not so yet.
        if (vm is not { State: VmState.Running })
        {
            return false;
        }

        var credential = await L1CredentialAsync(c, vm.Id).ConfigureAwait(false);
        return c.Step.Kind switch
        {
            BlueprintStepKind.InstallHyperV =>
                (await Part<INestedNetworking>(host, "read its guests").GetGuestNetworkStateAsync(vm.Id, credential, cancellationToken).ConfigureAwait(false)).Os?.HyperV is GuestHyperVState.Installed,
            BlueprintStepKind.Networking when external =>
                (await Part<IL1Hypervisor>(host, "reach the switches inside its L1 guests").GetL1SwitchesAsync(vm.Id, credential, cancellationToken).ConfigureAwait(false)).Switches
                    .Any(s => Same(s.Name, c.L1.Network.SwitchName) && Same(s.SwitchType, "External")),
            BlueprintStepKind.Networking => HasNat(await Part<INestedNetworking>(host, "read its guests").GetGuestNetworkStateAsync(vm.Id, credential, cancellationToken).ConfigureAwait(false), c.L1.Network),
            BlueprintStepKind.CreateL2 => (await Part<IGuestVms>(host, "read the VMs inside its guests").GetGuestVmsAsync(vm.Id, credential, cancellationToken).ConfigureAwait(false)).Vms
                .Any(v => Same(v.Name, c.L2!.Name) && v.IsRunning),
            BlueprintStepKind.ApplyAddress => HasAddress(
                await Part<IL2Networking>(host, "reach the L2 guests").GetL2AddressesAsync(vm.Id, credential, c.L2!.Name, c.L2Credential ?? credential, cancellationToken).ConfigureAwait(false), Address(c.Step)),
            _ => false,
        };
    }

    /// <summary>Does the step; returns what was done in words. Throws <see cref="BlueprintStepFailedException"/> with the host's words.</summary>
    public async Task<string> RunAsync(BlueprintStepContext c, CancellationToken cancellationToken)
    {
        var host = Host(c);
        try
        {
            if (c.Step.Kind is BlueprintStepKind.CreateL1)
            {
                return await CreateL1Async(host, c, cancellationToken).ConfigureAwait(false);
            }

            var vm = await FindL1Async(host, c.L1.Name, cancellationToken).ConfigureAwait(false)
                ?? throw new BlueprintStepFailedException($"L1 '{c.L1.Name}' is not on host '{c.L1.Host}' (was it removed?); apply again to create it.");
            if (c.Step.Kind is BlueprintStepKind.EnableNested)
            {
                // The nested switch takes the VM's lock itself, shuts a running VM down and starts it again, and undoes a failed step.
                var result = await operations.RunAsync(host, new NestedVirtualizationRequest(host.Name, vm.Id, true, PowerAction.ShutDown), null, cancellationToken).ConfigureAwait(false);
                Apply(host, result.FinalVm);
                return result.IsSuccess ? result.Message : throw new BlueprintStepFailedException(result.Message, result.HostMessage);
            }

            using var held = operations.TryLock(host.Name, vm.Id, vm.Name, out var busy) ?? throw new BlueprintStepFailedException(busy!);
            return c.Step.Kind switch
            {
                BlueprintStepKind.CompanionFixes => await CompanionFixesAsync(host, vm, c.L1.Network.Kind is BlueprintNetworking.ExternalSwitch, cancellationToken).ConfigureAwait(false),
                BlueprintStepKind.StartL1 => await StartL1Async(host, vm, cancellationToken).ConfigureAwait(false),
                _ => await InGuestAsync(host, vm, c, await L1CredentialAsync(c, vm.Id).ConfigureAwait(false), cancellationToken).ConfigureAwait(false),
            };
        }
        catch (HostOperationException ex)
        {
            throw new BlueprintStepFailedException($"{BlueprintCommands.ActionOf(c.Step)} on host '{c.L1.Host}' failed at: {ex.Operation}.", ex.HostMessage);
        }
        catch (NewVmRefusedException ex)
        {
            throw new BlueprintStepFailedException($"Create L1 '{c.L1.Name}' on host '{c.L1.Host}': refused before anything ran.", string.Join(" ", ex.Problems.Select(p => p.Message)));
        }
        catch (NatNetworkRefusedException ex)
        {
            throw new BlueprintStepFailedException($"The NAT in '{c.L1.Name}' was refused before anything ran.", string.Join(" ", ex.Problems.Select(p => p.Message)));
        }
        catch (L1SwitchRefusedException ex)
        {
            throw new BlueprintStepFailedException($"The switch in '{c.L1.Name}' was refused before anything ran.", string.Join(" ", ex.Problems.Select(p => p.Message)));
        }
    }

    private async Task<string> CreateL1Async(IHyperVHost host, BlueprintStepContext c, CancellationToken cancellationToken)
    {
        var l1 = c.L1;
        Version? version = l1.ConfigurationVersion is { } text && Version.TryParse(text, out var parsed) ? parsed : null;
        var request = new NewVmRequest(l1.Name, l1.MemoryStartupBytes, l1.ProcessorCount, l1.SwitchName, l1.OsImagePath, version);

        // The host's script removes a half-made VM (and its differencing disk) itself when a later step fails.
        var vm = await Part<INestedNetworking>(host, "create VMs").CreateVmAsync(request, null, cancellationToken).ConfigureAwait(false);
        Apply(host, vm);
        return $"Created '{vm.Name}' on host '{host.Name}' (generation {vm.Generation}, configuration {vm.ConfigVersion}{(l1.OsImagePath is null ? "" : $", booting a differencing disk of {l1.OsImagePath}")}).";
    }

    private async Task<string> CompanionFixesAsync(IHyperVHost host, VmSnapshot vm, bool external, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        if (vm.DynamicMemoryEnabled)
        {
            // Set-VMMemory -DynamicMemoryEnabled needs the VM Off: a running one is shut down and started again, also when the change fails.
            var wasRunning = vm.State is VmState.Running;
            if (wasRunning)
            {
                vm = await host.StopVmAsync(vm.Id, StopMode.ShutDown, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                vm = await host.SetDynamicMemoryAsync(vm.Id, false, cancellationToken).ConfigureAwait(false);
                done.Add("dynamic memory off");
            }
            finally
            {
                if (wasRunning)
                {
                    vm = await host.StartVmAsync(vm.Id, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        if (external && !BlueprintL1Facts.Of(vm).SpoofingOn)
        {
            vm = await host.SetMacAddressSpoofingAsync(vm.Id, null, true, cancellationToken).ConfigureAwait(false);
            done.Add("MAC spoofing on");
        }

        Apply(host, vm);
        return done.Count == 0 ? $"'{vm.Name}' already had them." : $"'{vm.Name}': {string.Join(", ", done)}.";
    }

    private async Task<string> StartL1Async(IHyperVHost host, VmSnapshot vm, CancellationToken cancellationToken)
    {
        vm = await host.StartVmAsync(vm.Id, cancellationToken).ConfigureAwait(false);
        Apply(host, vm);
        return $"'{vm.Name}' is {vm.State}.";
    }

    /// <summary>The id of <paramref name="l1"/> on its host, read fresh; null when the host or the VM is not there.</summary>
    public async Task<Guid?> L1IdAsync(BlueprintL1 l1, CancellationToken cancellationToken) =>
        hosts.Find(l1.Host) is { } host && await FindL1Async(host, l1.Name, cancellationToken).ConfigureAwait(false) is { } vm ? vm.Id : null;

    private IHyperVHost Host(BlueprintStepContext c) =>
        hosts.Find(c.L1.Host) ?? throw new BlueprintStepFailedException($"The dashboard has no host named '{c.L1.Host}' any more.");

    private async Task<GuestCredential> L1CredentialAsync(BlueprintStepContext c, Guid vmId) =>
        c.L1Credential ?? await rememberedCredential(c, vmId).ConfigureAwait(false)
            ?? throw new BlueprintStepFailedException($"No guest account was given for '{c.L1.Name}' on host '{c.L1.Host}' and none is remembered; apply again with the L1 guests' administrator account.");

    private static T Part<T>(IHyperVHost host, string what)
        where T : class =>
        host as T ?? throw new BlueprintStepFailedException($"The dashboard's connection to host '{host.Name}' cannot {what} ({typeof(T).Name} is not available for it).");

    /// <summary>The L1 by name, read fresh from its host; null when there is none.</summary>
    private static async Task<VmSnapshot?> FindL1Async(IHyperVHost host, string name, CancellationToken cancellationToken)
    {
        var matches = (await host.GetInventoryAsync(cancellationToken).ConfigureAwait(false)).Vms.Where(v => Same(v.Name, name)).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new BlueprintStepFailedException($"Host '{host.Name}' has {matches.Count} VMs named '{name}'; the blueprint cannot tell which is its L1."),
        };
    }

    private void Apply(IHyperVHost host, VmSnapshot? vm)
    {
        if (vm is not null)
        {
            inventory?.ApplyVm(host.Name, vm);
        }
    }

    private static bool Same(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);
}
