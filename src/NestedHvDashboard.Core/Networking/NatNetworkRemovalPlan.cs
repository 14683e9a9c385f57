namespace NestedHvDashboard.Core.Networking;

/// <summary>Taking a NAT network down in an L1 guest: Remove-NetNat, then Remove-VMSwitch (which takes the vEthernet adapter and its address with it).</summary>
public sealed class NatNetworkRemovalPlan
{
    private NatNetworkRemovalPlan(IReadOnlyList<PlannedCommand> commands) => Commands = commands;

    /// <summary>The commands, in the order they run.</summary>
    public IReadOnlyList<PlannedCommand> Commands { get; }

    /// <summary>
    /// Plans removing the NAT <paramref name="natName"/> and the switch <paramref name="switchName"/>; either may be
    /// null to leave it. Each named one must exist in <paramref name="guest"/>.
    /// </summary>
    public static NatNetworkRemovalPlanResult Create(GuestNetworkState guest, string? natName, string? switchName)
    {
        ArgumentNullException.ThrowIfNull(guest);
        var problems = new List<NatNetworkProblem>();
        var commands = new List<PlannedCommand>();
        if (natName is null && switchName is null)
        {
            problems.Add(new(NatNetworkField.NatName, "Name a NAT network or a switch to remove."));
        }

        if (natName is not null)
        {
            var nat = guest.Nats.FirstOrDefault(n => string.Equals(n.Name, natName.Trim(), StringComparison.OrdinalIgnoreCase));
            if (nat is null)
            {
                problems.Add(new(NatNetworkField.NatName, guest.Nats.Count == 0
                    ? $"The guest has no NAT network, so there is no '{natName.Trim()}' to remove."
                    : $"The guest has no NAT network named '{natName.Trim()}' (it has {string.Join(", ", guest.Nats.Select(n => $"'{n.Name}'"))})."));
            }
            else
            {
                commands.Add(new("Remove-NetNat", [new("Name", nat.Name), new("Confirm", false)]));
            }
        }

        if (switchName is not null)
        {
            var name = guest.SwitchNames.FirstOrDefault(s => string.Equals(s, switchName.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                problems.Add(new(NatNetworkField.SwitchName, $"The guest has no switch named '{switchName.Trim()}'."));
            }
            else
            {
                commands.Add(new("Remove-VMSwitch", [new("Name", name), new("Force")]));
            }
        }

        return problems.Count > 0 ? new NatNetworkRemovalPlanResult(null, problems) : new NatNetworkRemovalPlanResult(new NatNetworkRemovalPlan(commands), []);
    }
}

/// <summary>A removal plan, or why there is none.</summary>
public sealed record NatNetworkRemovalPlanResult(NatNetworkRemovalPlan? Plan, IReadOnlyList<NatNetworkProblem> Problems)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Plan))]
    public bool IsValid => Plan is not null;
}
