using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Reliability.Tests;

/// <summary>The rules every cell is held to, and the expected end state derived from the cell's step.</summary>
internal sealed class FaultJudge(FaultCase cell, IReadOnlyList<ChangeStep> steps)
{
    private readonly List<string> _problems = [];

    public void Problem(string problem) => _problems.Add(problem);

    public CaseVerdict Verdict(string actual, TimeSpan took) => new(cell.Name, Expected(), actual, [.. _problems], took);

    /// <summary>The expectation in words, for the printed matrix.</summary>
    public string Expected()
    {
        var lost = cell.Fault is not HostFault.Refused;
        return cell.Scenario.Kind switch
        {
            ChangeKind.NewVm when lost && cell.Step.Index > 0 => "failed; the half-made VM left on the host and named in the result; 1 Failed entry",
            ChangeKind.NewVm => "failed, no VM left behind; 1 Failed entry",
            ChangeKind.MacSpoofing => "failed, adapters unchanged, VM still Running; 1 Failed entry",
            ChangeKind.GuestNat when lost => $"failed, naming '{cell.Step.Title}' among the steps and that the host was lost; guest left with {(cell.Step.Index == 0 ? "nothing" : string.Join(" + ", steps.Take(cell.Step.Index).Select(s => s.Command)))} (no undo on a lost host); 1 Failed entry",
            ChangeKind.GuestNat => $"failed at '{cell.Step.Title}' with the guest's refusal; {(cell.Step.Index == 0 ? "nothing to undo" : "earlier steps undone")}, guest as before; 1 Failed entry",
            ChangeKind.InstallHyperV when FaultCases.IsInstallRestart(cell.Step) =>
                $"failed at '{cell.Step.Title}'{(lost ? ", saying the host was lost" : "")}; Hyper-V pending that restart; VM {(cell.Step.Command == "Start-VM" ? "Off, the result saying to start it" : "Running")}; 1 Failed entry",
            ChangeKind.InstallHyperV => $"failed{(lost ? "" : " with the guest's refusal")}, naming Install Hyper-V; Hyper-V neither installed nor pending, VM Running; 1 Failed entry",
            _ => $"failed at '{cell.Step.Title}'; {(StoppedBefore(cell.Step) && lost ? "VM Off and the result says it was not started again" : "VM in the power state it had")}; " +
                 (cell.Scenario.Kind is ChangeKind.Bulk ? $"{cell.Scenario.VmCount + 1} complete entries" : "1 Failed entry"),
        };
    }

    public string Describe(SimulatedHost after, FaultMatrixRunner.Outcome outcome, IReadOnlyList<AuditEntry> entries)
    {
        if (cell.Scenario.InGuest)
        {
            var guestVm = after.FindVm(cell.Scenario.VmNames[0])!;
            var guest = guestVm.Guest!.Host;
            var made = string.Join(" + ", new[]
            {
                guest.Switches.Exists(s => s.Name == FaultScenario.NatRequest.SwitchName) ? "switch" : null,
                guest.IPAddresses.Exists(a => a.IPAddress == FaultScenario.NatRequest.Gateway) ? "gateway address" : null,
                guest.NetNat is not null ? "NAT" : null,
                guest.HyperVInstalled && cell.Scenario.Kind is ChangeKind.InstallHyperV ? "Hyper-V" : null,
                guest.PendingFeatures.Count > 0 ? "features pending" : null,
            }.OfType<string>());
            return $"{(outcome.PerVm[0].Succeeded ? "ok" : "failed")}; {guestVm.Name} {guestVm.StateAt(DateTimeOffset.UtcNow)}, guest has {(made.Length == 0 ? "nothing new" : made)}; audit {string.Join(",", entries.Select(e => e.Result))}";
        }

        var vms = string.Join(", ", cell.Scenario.VmNames.Append(cell.Scenario.Kind is ChangeKind.NewVm ? FaultScenario.NewVmName : null).OfType<string>()
            .Select(n => after.FindVm(n) is { } vm ? $"{n} {vm.State} nested {(vm.ExposeVirtualizationExtensions ? "on" : "off")}" : $"{n} absent"));
        return $"{string.Join(" / ", outcome.PerVm.Select(o => o.Succeeded ? "ok" : "failed"))}; {vms}; audit {string.Join(",", entries.Select(e => e.Result))}";
    }

    public void Judge(SimulatedHost before, SimulatedHost after, FaultMatrixRunner.Outcome outcome, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Any(e => e.Result == AuditResults.Started))
        {
            Problem("an audit entry was left Started");
        }

        switch (cell.Scenario.Kind)
        {
            case ChangeKind.Nested or ChangeKind.Bulk:
                JudgeNested(before, after, outcome, entries);
                break;
            case ChangeKind.MacSpoofing:
                JudgeOne(outcome, entries, cell.Fault is HostFault.Refused ? cell.Step.Command : null);
                // Whatever ended it (a refusal, a dead or frozen host), the page and the audit name the step it stopped at.
                Expect(outcome.PerVm[0].Message.Contains(cell.Step.Command, StringComparison.Ordinal), $"the result does not name the step {cell.Step.Command}: {outcome.PerVm[0].Message}");
                Expect(entries.Count == 1 && entries[0].Message?.Contains(cell.Step.Command, StringComparison.Ordinal) == true, $"the audit entry does not name the step {cell.Step.Command}: {(entries.Count > 0 ? entries[0].Message : "none")}");
                var vm = after.FindVm(cell.Scenario.VmNames[0])!;
                Expect(vm.State == VMState.Running, $"VM {vm.Name} is {vm.State}, not Running as it was");
                Expect(vm.NetworkAdapters.TrueForAll(a => !a.MacAddressSpoofing), "an adapter's MAC spoofing changed although the call failed");
                break;
            case ChangeKind.GuestNat or ChangeKind.InstallHyperV:
                JudgeGuest(after, outcome, entries);
                break;
            default:
                JudgeOne(outcome, entries, cell.Fault is HostFault.Refused ? cell.Step.Command : null);
                var made = after.FindVm(FaultScenario.NewVmName);
                if (cell.Fault is HostFault.Refused || cell.Step.Index == 0)
                {
                    Expect(made is null, $"VM {FaultScenario.NewVmName} was left on the host");
                }
                else
                {
                    Expect(made is not null, "the half-made VM is not on the host although the host died before its rollback");
                    Expect(outcome.PerVm[0].Message.Contains("half-made", StringComparison.Ordinal), $"the result does not warn about the half-made VM: {outcome.PerVm[0].Message}");
                }

                break;
        }
    }

    private void JudgeOne(FaultMatrixRunner.Outcome outcome, IReadOnlyList<AuditEntry> entries, string? named)
    {
        var result = outcome.PerVm[0];
        Expect(!result.Succeeded, "the change reported success");
        Expect(!string.IsNullOrWhiteSpace(result.HostMessage), "the result carries no host message (why it stopped)");
        if (named is not null)
        {
            Expect(result.HostMessage?.Contains(named, StringComparison.OrdinalIgnoreCase) == true, $"the host message does not name {named}: {result.HostMessage}");
        }

        Expect(entries.Count == 1, $"{entries.Count} audit entries, not 1");
        Expect(entries.Count == 1 && entries[0].Result == AuditResults.Failed, $"the audit entry is {string.Join(",", entries.Select(e => e.Result))}, not Failed");
        Expect(entries.Count == 1 && !string.IsNullOrWhiteSpace(entries[0].HostError), "the audit entry has no host error");
    }

    /// <summary>
    /// A change inside the guest: one Failed entry saying why, the page and the audit naming the step (for a lost host, the
    /// steps it was running and that the host was lost), and on the guest either nothing half-applied (a refusal: the steps
    /// before it undone) or exactly the steps before the fault (a lost host cannot undo), which the result then warns about.
    /// </summary>
    private void JudgeGuest(SimulatedHost after, FaultMatrixRunner.Outcome outcome, IReadOnlyList<AuditEntry> entries)
    {
        var lost = cell.Fault is not HostFault.Refused;
        JudgeOne(outcome, entries, lost ? null : cell.Step.Command);
        var result = outcome.PerVm[0];
        var said = $"{result.Message} {result.HostMessage}";
        var audited = entries.Count == 1 ? $"{entries[0].Message} {entries[0].HostError}" : "";
        // Installing Hyper-V is one step: the change's own name ("Install Hyper-V") names it, whatever ended it.
        var step = cell.Scenario.Kind is ChangeKind.InstallHyperV ? "Install Hyper-V" : cell.Step.Title;
        Expect(said.Contains(step, StringComparison.Ordinal), $"the result does not name the step '{step}': {said}");
        Expect(audited.Contains(step, StringComparison.Ordinal), $"the audit entry does not name the step '{step}': {audited}");
        var vm = after.FindVm(cell.Scenario.VmNames[0])!;
        var guest = vm.Guest!.Host;
        var state = vm.StateAt(DateTimeOffset.UtcNow);
        if (FaultCases.IsInstallRestart(cell.Step))
        {
            JudgeInstallRestart(vm, said, audited, lost);
            return;
        }

        Expect(state == VMState.Running, $"VM {vm.Name} is {state}, not Running as it was");
        if (cell.Scenario.Kind is ChangeKind.InstallHyperV)
        {
            Expect(!guest.HyperVInstalled && guest.PendingFeatures.Count == 0 && !vm.GuestIsHyperVHost, $"Hyper-V half-installed in the guest (installed {guest.HyperVInstalled}, pending {string.Join(",", guest.PendingFeatures)}) although {cell.Step.Command} never ran");
            return;
        }

        var request = FaultScenario.NatRequest;
        var done = lost ? cell.Step.Index : 0;
        var hasSwitch = guest.Switches.Exists(s => s.Name == request.SwitchName);
        var hasAddress = guest.IPAddresses.Exists(a => a.IPAddress == request.Gateway);
        Expect(hasSwitch == done > 0, $"the guest's switch {request.SwitchName} is {(hasSwitch ? "there" : "missing")}; expected {(done > 0 ? "there (made before the host was lost)" : "none (undone or never made)")}");
        Expect(hasAddress == done > 1, $"the guest's gateway address {request.Gateway} is {(hasAddress ? "there" : "missing")}; expected {(done > 1 ? "there" : "none")}");
        Expect(guest.NetNat is null, $"the guest has NAT {guest.NetNat?.Name} although New-NetNat never ran");
        if (!lost)
        {
            // The refusal came back from GuestSteps.ps1, which undid what was done before it and says so.
            Expect(cell.Step.Index == 0 ? result.HostMessage?.Contains("Nothing had been changed before it", StringComparison.Ordinal) == true : result.HostMessage?.Contains("Undone: Remove-VMSwitch", StringComparison.Ordinal) == true,
                $"the result does not say what was undone: {result.HostMessage}");
        }
        else
        {
            Expect(said.Contains("may be left", StringComparison.Ordinal), $"the result does not warn that the guest may be left half-done: {said}");
            Expect(audited.Contains("may be left", StringComparison.Ordinal), $"the audit entry does not warn that the guest may be left half-done: {audited}");
        }
    }

    /// <summary>
    /// The host-side restart that finishes a client's install faulted at its shut down or its start: the install itself is done and
    /// pending that restart; the VM is where the fault left it (Running when the shut down never ran, Off when the start never
    /// ran), and the page and the audit name the restart's step and say what the VM was left in and what to do.
    /// </summary>
    private void JudgeInstallRestart(SimulatedVm vm, string said, string audited, bool lost)
    {
        var guest = vm.Guest!.Host;
        var stopped = cell.Step.Command == "Start-VM";
        var state = vm.StateAt(DateTimeOffset.UtcNow);
        Expect(state == (stopped ? VMState.Off : VMState.Running), $"VM {vm.Name} is {state}, not {(stopped ? "Off (shut down, never started again)" : "Running (never shut down)")}");
        Expect(guest.PendingFeatures.Contains("Microsoft-Hyper-V") && !guest.HyperVInstalled, $"Hyper-V is not pending the restart (installed {guest.HyperVInstalled}, pending {string.Join(",", guest.PendingFeatures)})");
        Expect(said.Contains(cell.Step.Title, StringComparison.Ordinal), $"the result does not name the step '{cell.Step.Title}': {said}");
        Expect(audited.Contains(cell.Step.Title, StringComparison.Ordinal), $"the audit entry does not name the step '{cell.Step.Title}': {audited}");
        // A lost host: dead (the VM's state unknown) or frozen past the step's own limit (the host may still be working on it).
        string[] left = (stopped, lost) switch
        {
            (false, false) => ["it is still Running"],
            (false, true) => ["the VM may be Running, shutting down or Off", "The host is still shutting the VM down"],
            (true, false) => ["it is Off. Start the VM to finish"],
            (true, true) => ["it may still be Off", "the host is still starting it"],
        };
        Expect(left.Any(l => said.Contains(l, StringComparison.Ordinal)), $"the result does not say '{string.Join("' or '", left)}': {said}");
        Expect(left.Any(l => audited.Contains(l, StringComparison.Ordinal)), $"the audit entry does not say '{string.Join("' or '", left)}': {audited}");
    }

    private void JudgeNested(SimulatedHost before, SimulatedHost after, FaultMatrixRunner.Outcome outcome, IReadOnlyList<AuditEntry> entries)
    {
        var scenario = cell.Scenario;
        var lost = cell.Fault is not HostFault.Refused;
        var perVm = entries.Where(e => e.VmName is not null).ToList();
        Expect(perVm.Count == scenario.VmCount, $"{perVm.Count} per-VM audit entries, not {scenario.VmCount}");
        Expect(entries.Count == scenario.VmCount + (scenario.Kind is ChangeKind.Bulk ? 1 : 0), $"{entries.Count} audit entries in all");
        for (var v = 0; v < scenario.VmCount; v++)
        {
            var name = scenario.VmNames[v];
            var was = before.FindVm(name)!;
            var now = after.FindVm(name)!;
            var result = outcome.PerVm[v];
            var entry = perVm.Find(e => e.VmName == name);
            var mine = steps.Where(s => s.Vm == v).ToList();
            // Before the faulted VM every VM's change ran to the end; after it, only a refusal lets the run go on normally.
            var completes = v < cell.Step.Vm || (v > cell.Step.Vm && !lost);
            if (completes)
            {
                Expect(result.Succeeded, $"{name}: did not succeed: {result.Message}");
                Expect(now.State == was.State, $"{name}: {now.State}, not {was.State}");
                Expect(now.ExposeVirtualizationExtensions == scenario.Enable, $"{name}: nested not changed");
                Expect(entry?.Result == AuditResults.Succeeded, $"{name}: audit {entry?.Result}, not Succeeded");
                continue;
            }

            Expect(!result.Succeeded, $"{name}: reported success");
            Expect(entry is not null && entry.Result != AuditResults.Succeeded, $"{name}: audit {entry?.Result}");
            if (v > cell.Step.Vm)
            {
                // The host was lost at an earlier VM: this one was never touched.
                Expect(now.State == was.State && now.ExposeVirtualizationExtensions == was.ExposeVirtualizationExtensions, $"{name}: changed ({now.State}) although the host was lost before it");
                continue;
            }

            var at = mine.FindIndex(s => s.Index == cell.Step.Index);
            var title = cell.Step.Title;
            Expect(result.Message.Contains(title, StringComparison.Ordinal), $"{name}: the result does not name the step '{title}': {result.Message}");
            Expect(entry?.Message?.Contains(title, StringComparison.Ordinal) == true, $"{name}: the audit entry does not name the step '{title}': {entry?.Message}");
            Expect(!string.IsNullOrWhiteSpace(result.HostMessage) && !string.IsNullOrWhiteSpace(entry?.HostError), $"{name}: no host message saying why");
            if (!lost)
            {
                Expect(result.HostMessage?.Contains(cell.Step.Command, StringComparison.Ordinal) == true, $"{name}: the host's refusal is not in the result: {result.HostMessage}");
            }

            var setAt = mine.FindIndex(s => s.Kind is Core.Operations.OperationStepKind.SetNestedVirtualization);
            var nested = setAt >= 0 && setAt < at ? scenario.Enable : was.ExposeVirtualizationExtensions;
            Expect(now.ExposeVirtualizationExtensions == nested, $"{name}: nested {(now.ExposeVirtualizationExtensions ? "on" : "off")}, expected {(nested ? "on" : "off")}");
            if (StoppedBefore(cell.Step) && lost)
            {
                // The host is gone, so nobody can start the VM again: the result must say so rather than claim it was restored.
                Expect(now.State == VMState.Off, $"{name}: {now.State}, expected Off (stopped before the host was lost)");
                // Either the start again failed, or (a frozen host past a long step's limit) the VM was not started again.
                Expect(
                    result.Message.Contains("Starting the VM again also failed", StringComparison.Ordinal) || result.Message.Contains("the VM was not started again", StringComparison.Ordinal),
                    $"{name}: the result does not say the VM was left Off: {result.Message}");
                if (cell.Fault is HostFault.Frozen)
                {
                    Expect(!result.Message.Contains("Checked again", StringComparison.Ordinal), $"{name}: the result claims a frozen host was read again: {result.Message}");
                }
            }
            else
            {
                Expect(now.State == was.State, $"{name}: {now.State}, not {was.State} as it was");
            }
        }
    }

    /// <summary>True when the VM was already stopped by the plan when the step ran (the step is after a Shut down / Turn off).</summary>
    private bool StoppedBefore(ChangeStep step) =>
        cell.Scenario.Running && steps.Any(s => s.Vm == step.Vm && s.Index < step.Index && s.Kind is Core.Operations.OperationStepKind.ShutDown or Core.Operations.OperationStepKind.TurnOff);

    private void Expect(bool holds, string problem)
    {
        if (!holds)
        {
            _problems.Add(problem);
        }
    }
}
