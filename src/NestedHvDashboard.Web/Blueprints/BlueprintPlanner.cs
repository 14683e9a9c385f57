using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// Reviews a blueprint against the hosts as they are now: each L1's host is known, connected and can nest (its readiness
/// verdict), has the switch, has the memory free (the running VMs' and this blueprint's other new L1s' taken), supports the
/// configuration version, and has no VM of the L1's name that this blueprint did not make; every L2 gets an address. Lists
/// every step with its commands, marking those already true of the lab (the runner re-checks and skips them).
/// </summary>
public sealed class BlueprintPlanner(IHostLookup hosts, InventoryStore inventory, IBlueprintStore? store = null) : IBlueprintPlanner
{
    /// <inheritdoc />
    public async Task<BlueprintReview> ReviewAsync(Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        var problems = new List<BlueprintProblem>();
        var steps = new List<BlueprintStep>();
        var lastRun = store is null ? null : await store.LastRunAsync(blueprint.Name, cancellationToken).ConfigureAwait(false);
        var snapshot = inventory.GetSnapshot();
        var switchesByHost = new Dictionary<string, IReadOnlyCollection<string>?>(StringComparer.OrdinalIgnoreCase);
        var newMemoryByHost = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < blueprint.L1s.Count; i++)
        {
            var l1 = blueprint.L1s[i];
            var path = $"l1s[{i}]";
            var state = snapshot.Find(l1.Host);
            var facts = BlueprintL1Facts.None;
            var version = l1.ConfigurationVersion ?? "(the host's highest for nesting)";
            if (CheckHost(l1, path, state, problems) is { } host && state?.Facts is { } hostFacts)
            {
                if (!switchesByHost.TryGetValue(l1.Host, out var switches))
                {
                    switches = switchesByHost[l1.Host] = await SwitchesAsync(host, path, problems, cancellationToken).ConfigureAwait(false);
                }

                var existing = state.Vms.Where(v => string.Equals(v.Name, l1.Name, StringComparison.OrdinalIgnoreCase)).ToList();
                var ours = MadeBy(lastRun, l1);
                if (existing.Count > 0 && !ours)
                {
                    problems.Add(new($"{path}.name", $"Host '{l1.Host}' already has a VM named '{l1.Name}' that this blueprint did not create; rename the L1 or remove that VM."));
                }
                else if (existing.Count > 1)
                {
                    problems.Add(new($"{path}.name", $"Host '{l1.Host}' has {existing.Count} VMs named '{l1.Name}'; the blueprint cannot tell which is its L1."));
                }
                else if (existing.Count == 1)
                {
                    facts = BlueprintL1Facts.Of(existing[0]);
                }

                version = CheckVm(l1, path, hostFacts, switches, problems) ?? version;
                if (!facts.Exists)
                {
                    CheckMemory(l1, path, hostFacts, state.Vms, newMemoryByHost, problems);
                }
            }

            var addresses = BlueprintAddresses.For(l1, path, problems);
            steps.AddRange(BlueprintCommands.ForL1(blueprint, l1, version, addresses, facts, steps.Count));
        }

        return new BlueprintReview(problems, steps);
    }

    /// <summary>True when <paramref name="run"/> (the blueprint's last) created <paramref name="l1"/>: the VM of that name is the blueprint's own.</summary>
    public static bool MadeBy(BlueprintRun? run, BlueprintL1 l1)
    {
        ArgumentNullException.ThrowIfNull(l1);
        return run is not null && run.Steps.Any(s => s.Step.Kind is BlueprintStepKind.CreateL1 && s.State is BlueprintStepState.Done
            && string.Equals(s.Step.L1, l1.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(s.Step.Host, l1.Host, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The host when the dashboard knows it, it is connected and it can nest; problems otherwise.</summary>
    private IHyperVHost? CheckHost(BlueprintL1 l1, string path, HostInventoryState? state, List<BlueprintProblem> problems)
    {
        var at = $"{path}.host";
        if (hosts.Find(l1.Host) is not { } host)
        {
            problems.Add(new(at, $"The dashboard has no host named '{l1.Host}'."));
            return null;
        }

        if (state is null || state.Status.State is not HostConnectionState.Connected)
        {
            var how = state?.Status.State switch
            {
                HostConnectionState.Unreachable => $"unreachable{(state.Status.LastError is { } error ? $": {error}" : "")}",
                HostConnectionState.AuthenticationFailed => "refusing the dashboard's sign-in",
                _ => "not connected yet",
            };
            problems.Add(new(at, $"Host '{l1.Host}' is {how}; the blueprint is checked against the host as it is, so connect it first."));
            return null;
        }

        var verdict = HostVerdict.For(state.Facts);
        if (verdict.Kind is not HostVerdictKind.CanNest)
        {
            problems.Add(new(at, $"Host '{l1.Host}' cannot run the L1's nested VMs — {verdict.Text}{(verdict.Reason is { } reason ? $" ({reason})" : "")}."));
            return null;
        }

        return host;
    }

    /// <summary>The host's switches read fresh, or null when the host cannot say (the host then checks the switch as it creates the VM).</summary>
    private static async Task<IReadOnlyCollection<string>?> SwitchesAsync(IHyperVHost host, string path, List<BlueprintProblem> problems, CancellationToken cancellationToken)
    {
        if (host is not IHostSwitches switches)
        {
            return null;
        }

        try
        {
            return await switches.GetSwitchNamesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HostOperationException ex)
        {
            problems.Add(new($"{path}.switchName", $"The switches of host '{host.Name}' could not be read: {ex.HostMessage ?? ex.Message}"));
            return [];
        }
    }

    /// <summary>The new VM's own checks (name, memory, processors, switch, version, image) as the New VM dialog makes them; returns the version New-VM gets.</summary>
    private static string? CheckVm(BlueprintL1 l1, string path, HostFacts facts, IReadOnlyCollection<string>? switches, List<BlueprintProblem> problems)
    {
        Version? requested = null;
        if (l1.ConfigurationVersion is { } text && !Version.TryParse(text, out requested))
        {
            problems.Add(new($"{path}.configurationVersion", $"'{text}' is not a configuration version (for example 10.0)."));
            return null;
        }

        var request = new NewVmRequest(l1.Name, l1.MemoryStartupBytes, l1.ProcessorCount, l1.SwitchName, l1.OsImagePath, requested);
        var known = switches ?? [l1.SwitchName];
        var plan = NewVmPlan.Create(request, facts, known);
        problems.AddRange(plan.Problems.Select(p => new BlueprintProblem($"{path}.{FieldOf(p.Field)}", p.Field == NewVmField.Host ? $"Host '{l1.Host}': {p.Message}" : p.Message)));
        return plan.Plan?.ConfigVersion.ToString(2);
    }

    /// <summary>The L1's memory must fit what the host has free: its memory less the running VMs' and this blueprint's earlier new L1s'.</summary>
    private static void CheckMemory(BlueprintL1 l1, string path, HostFacts facts, IReadOnlyList<VmSnapshot> vms, Dictionary<string, long> newMemoryByHost, List<BlueprintProblem> problems)
    {
        if (facts.MemoryBytes <= 0)
        {
            return;
        }

        var used = vms.Where(v => v.State is not VmState.Off and not VmState.Saved).Sum(v => Math.Max(v.MemoryAssignedBytes, v.MemoryStartupBytes));
        var planned = newMemoryByHost.GetValueOrDefault(l1.Host);
        var free = facts.MemoryBytes - used - planned;
        if (l1.MemoryStartupBytes > free)
        {
            problems.Add(new($"{path}.memoryStartupBytes",
                $"'{l1.Name}' needs {Gb(l1.MemoryStartupBytes)} but host '{l1.Host}' has {Gb(Math.Max(free, 0))} free ({Gb(facts.MemoryBytes)} less {Gb(used)} for its running VMs{(planned > 0 ? $" and {Gb(planned)} for this blueprint's other L1s" : "")})."));
        }

        newMemoryByHost[l1.Host] = planned + l1.MemoryStartupBytes;
    }

    private static string FieldOf(string field) => field switch
    {
        NewVmField.Host => "host",
        _ => char.ToLowerInvariant(field[0]) + field[1..],
    };

    private static string Gb(long bytes) => $"{bytes / (1024d * 1024 * 1024):0.#} GB";
}
