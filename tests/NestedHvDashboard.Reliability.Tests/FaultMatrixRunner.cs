using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.VirtualMachines;
namespace NestedHvDashboard.Reliability.Tests;

/// <summary>One cell's verdict: what the matrix expected, what happened, and every rule that did not hold.</summary>
public sealed record CaseVerdict(string Case, string Expected, string Actual, IReadOnlyList<string> Problems, TimeSpan Took)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// Runs one cell: resets the host, arms the fault at the step's cmdlet call, starts the change through the dashboard's
/// service, kills or freezes the host the moment the cmdlet is reached, and judges the end state on the host (its state
/// file), in the result and in the audit trail.
/// </summary>
public static class FaultMatrixRunner
{
    public static async Task<CaseVerdict> RunAsync(FaultLab lab, FaultCase cell, IReadOnlyList<ChangeStep> steps, bool hostBroken)
    {
        var started = DateTime.UtcNow;
        var scenario = cell.Scenario;
        await lab.ResetAsync(scenario.State(lab.Host.Name), restart: hostBroken);
        // A change against a frozen host waits out at most the step, the compensating start and a re-read; past that it is a hang.
        var changeLimit = (5 * lab.HostTimeout) + TimeSpan.FromSeconds(30);
        var before = lab.Host.ReadState();
        var snapshots = new List<VmSnapshot>();
        foreach (var name in scenario.VmNames)
        {
            snapshots.Add(await lab.Engine.GetVmAsync(before.FindVm(name)!.Id, CancellationToken.None));
        }

        var lastAudit = (await lab.EntriesAsync()).Select(e => e.Id).DefaultIfEmpty(0).Max();
        SimulatedFaults.Arm(lab.Host.StateFile, new SimulatedFault
        {
            Command = cell.Step.Command,
            Call = cell.Step.Call,
            Kind = cell.Fault is HostFault.Refused ? SimulatedFaultKind.Fail : SimulatedFaultKind.Hang,
            Message = $"Injected refusal of {cell.Step.Command} (call {cell.Step.Call}).",
        });

        var judge = new FaultJudge(cell, steps);
        var change = StartChange(lab, scenario, snapshots);
        if (cell.Fault is not HostFault.Refused)
        {
            var reached = await ReachedAsync(lab, change, changeLimit);
            if (!reached)
            {
                judge.Problem($"the change ended before it reached {cell.Step.Command} call {cell.Step.Call}");
            }
            else if (cell.Fault is HostFault.Killed)
            {
                lab.Host.Kill();
            }
            else
            {
                lab.Host.Freeze();
            }
        }

        Outcome outcome;
        try
        {
            outcome = await change.WaitAsync(changeLimit);
        }
        catch (TimeoutException)
        {
            judge.Problem($"the change did not end within {changeLimit.TotalSeconds:0} s (a hang)");
            return judge.Verdict("hung", DateTime.UtcNow - started);
        }

        var after = lab.Host.ReadState();
        var entries = (await lab.EntriesAsync()).Where(e => e.Id > lastAudit).ToList();
        judge.Judge(before, after, outcome, entries);
        return judge.Verdict(judge.Describe(after, outcome, entries), DateTime.UtcNow - started);
    }

    /// <summary>What a change's service returned, in the shape the judge reads: per VM, ended well or not, and the message the user sees.</summary>
    public sealed record Outcome(IReadOnlyList<(string Vm, bool Succeeded, string Message, string? HostMessage)> PerVm);

    private static async Task<Outcome> StartChange(FaultLab lab, FaultScenario scenario, List<VmSnapshot> vms)
    {
        var host = lab.Host.Name;
        switch (scenario.Kind)
        {
            case ChangeKind.Nested:
                var result = await lab.Nested.RunAsync(FaultLab.Operator, vms[0], new NestedVirtualizationRequest(host, vms[0].Id, scenario.Enable, scenario.Power, scenario.MacSpoofing, scenario.DynamicMemoryOff), null);
                return new([(vms[0].Name, result.IsSuccess, result.Message, result.HostMessage)]);
            case ChangeKind.Bulk:
                var facts = await lab.Engine.GetHostFactsAsync(CancellationToken.None);
                var choice = scenario.Power is Core.Operations.PowerAction.TurnOff ? BulkRunningChoice.TurnOff : BulkRunningChoice.ShutDown;
                var run = await lab.Bulk.StartAsync(FaultLab.Operator, [.. vms.Select(vm => new VmRow(host, facts, vm))], scenario.Enable, choice, scenario.MacSpoofing, scenario.DynamicMemoryOff);
                await run.Completion;
                return new([.. vms.Select(vm => run.Results.Single(r => r.VmId == vm.Id)).Select(r => (r.VmName ?? "", r.Outcome == OperationOutcome.Succeeded, r.Message, r.HostMessage))]);
            case ChangeKind.MacSpoofing:
                var mac = await lab.MacSpoofing.SetAsync(FaultLab.Operator, host, vms[0], null, enabled: true);
                return new([(vms[0].Name, mac.Succeeded, mac.Message, mac.HostMessage)]);
            case ChangeKind.GuestNat:
                // The credential is the one typed in the card's dialog (never asked again: the guest accepts it).
                var nat = await lab.Guest.CreateNatAsync(FaultLab.Operator, host, vms[0], FaultScenario.GuestCredential, NoPrompt, FaultScenario.NatRequest);
                return new([(vms[0].Name, nat.Succeeded, nat.Message, nat.HostMessage)]);
            case ChangeKind.InstallHyperV:
                var install = await lab.Guest.InstallHyperVAsync(FaultLab.Operator, host, vms[0], FaultScenario.GuestCredential, NoPrompt, null);
                return new([(vms[0].Name, install.Succeeded, install.Message, install.HostMessage)]);
            default:
                var created = await lab.NewVm.CreateAsync(FaultLab.Operator, host, new NewVmRequest(FaultScenario.NewVmName, 4L * 1024 * 1024 * 1024, 2, FaultScenario.SwitchName));
                return new([(FaultScenario.NewVmName, created.Succeeded, created.Message, created.HostMessage)]);
        }
    }

    // The credential dialog: never answered, so a refused credential ends the change (Canceled) instead of asking forever.
    private static Task<GuestCredentialAnswer?> NoPrompt(string? problem) => Task.FromResult<GuestCredentialAnswer?>(null);

    // True once the armed cmdlet call has been reached on the host; false when the change ended first.
    private static async Task<bool> ReachedAsync(FaultLab lab, Task change, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (SimulatedFaults.Read(lab.Host.StateFile)?.Faults.Exists(f => f.TriggeredAt is not null) == true)
            {
                return true;
            }

            if (change.IsCompleted)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
