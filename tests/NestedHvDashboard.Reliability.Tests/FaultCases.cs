using System.Management.Automation.Language;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Reliability.Tests;

/// <summary>What is done to the host at a step.</summary>
public enum HostFault
{
    /// <summary>sshd and its pwsh sessions killed (SIGKILL) while the step's cmdlet runs.</summary>
    Killed,

    /// <summary>sshd and its pwsh sessions frozen (SIGSTOP) while the step's cmdlet runs.</summary>
    Frozen,

    /// <summary>The step's cmdlet fails with the host's error, before it changes anything.</summary>
    Refused,
}

/// <summary>What kind of change a scenario makes, i.e. which service runs it.</summary>
public enum ChangeKind
{
    Nested,
    Bulk,
    MacSpoofing,
    NewVm,
    GuestNat,
    InstallHyperV,
}

/// <summary>
/// One step of a change as the host sees it: the cmdlet it calls and which call of that cmdlet it is within the change
/// (the Nth call is what the simulator's fault knob counts). <see cref="Vm"/> is the VM's position in a bulk run.
/// </summary>
public sealed record ChangeStep(int Index, string Title, string Command, int Call, OperationStepKind? Kind = null, int Vm = 0);

/// <summary>One cell of the matrix: a fault at one step of one change.</summary>
public sealed record FaultCase(FaultScenario Scenario, ChangeStep Step, HostFault Fault)
{
    public string Name => $"{Scenario.Name} @ {(Scenario.Kind is ChangeKind.Bulk ? $"VM {Step.Vm + 1}: " : "")}{Step.Title} ({Step.Command} #{Step.Call}) × {Fault}";
}

/// <summary>
/// The steps of each change, generated from the operation plans themselves rather than listed by hand: the nested plan
/// (<see cref="NestedVirtualizationPlan.For"/>) for one-VM and bulk changes, the command the adapter editor shows for MAC
/// spoofing, the engine's own new-VM script for a new VM, the NAT plan (<see cref="NatNetworkPlan"/>) whose commands GuestSteps.ps1
/// runs in the guest, and InstallHyperV.ps1's install command for the guest's edition.
/// </summary>
public static class FaultCases
{
    private static readonly string[] ChangingVerbs = ["New-", "Set-", "Install-", "Enable-"];

    /// <summary>The cmdlet each nested plan step calls on the host (the engine's scripts).</summary>
    public static string CommandOf(OperationStepKind kind) => kind switch
    {
        OperationStepKind.ShutDown or OperationStepKind.TurnOff => "Stop-VM",
        OperationStepKind.SetNestedVirtualization => "Set-VMProcessor",
        OperationStepKind.SetMacAddressSpoofing => "Set-VMNetworkAdapter",
        OperationStepKind.SetDynamicMemory => "Set-VMMemory",
        OperationStepKind.Start or OperationStepKind.CompensatingStart => "Start-VM",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The steps of a nested change over <paramref name="vms"/> (one for a one-VM change), numbering each cmdlet's calls across them.</summary>
    public static IReadOnlyList<ChangeStep> NestedSteps(FaultScenario scenario, IReadOnlyList<VmSnapshot> vms, HostFacts facts)
    {
        var calls = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var steps = new List<ChangeStep>();
        for (var v = 0; v < vms.Count; v++)
        {
            var request = new NestedVirtualizationRequest("host", vms[v].Id, scenario.Enable, scenario.Power, scenario.MacSpoofing, scenario.DynamicMemoryOff);
            var plan = NestedVirtualizationPlan.For("host", request, vms[v], facts);
            if (plan.Verdict is not PlanVerdict.Run)
            {
                throw new InvalidOperationException($"Scenario '{scenario.Name}' plans nothing to run for VM '{vms[v].Name}': {plan.Message}");
            }

            foreach (var step in plan.Steps)
            {
                var command = CommandOf(step.Kind);
                var call = calls[command] = calls.GetValueOrDefault(command) + 1;
                steps.Add(new ChangeStep(steps.Count, step.Title, command, call, step.Kind, v));
            }
        }

        return steps;
    }

    /// <summary>The steps of the adapter editor's MAC spoofing change: the commands of the pipeline it shows that change something.</summary>
    public static IReadOnlyList<ChangeStep> MacSpoofingSteps(string vmName) =>
        ChangingCommands(Parser.ParseInput(MacSpoofingService.CommandText(vmName, null, enabled: true), out _, out _));

    /// <summary>The steps of the engine's new-VM script (New-VM, then the settings that make it ready for nesting), in order.</summary>
    public static IReadOnlyList<ChangeStep> NewVmSteps()
    {
        var script = EngineScript("NewVm.ps1");
        // The try block holds the steps; the catch block is the rollback, not a step. The dialog's VM has no OS image, so the
        // script's image branch (New-VHD, then New-VM -VHDPath) does not run: its else (New-VM -NoVHD) does.
        var body = script.Find(a => a is TryStatementAst, searchNestedScriptBlocks: true) is TryStatementAst attempt ? attempt.Body : (Ast)script;
        var image = body.Find(a => a is IfStatementAst branch && branch.Clauses[0].Item1.Extent.Text.Contains("$ParentPath", StringComparison.OrdinalIgnoreCase), searchNestedScriptBlocks: true) as IfStatementAst;
        return ChangingCommands(body, command => image is not null && Within(command, image.Clauses[0].Item2));
    }

    private static bool Within(Ast inner, Ast outer) =>
        inner.Extent.StartOffset >= outer.Extent.StartOffset && inner.Extent.EndOffset <= outer.Extent.EndOffset;

    // One of the engine's embedded scripts, parsed.
    private static ScriptBlockAst EngineScript(string name)
    {
        var assembly = typeof(PowerShellHyperVHost).Assembly;
        using var stream = assembly.GetManifestResourceStream("NestedHvDashboard.PowerShell.Scripts." + name)
            ?? throw new InvalidOperationException($"The engine's {name} is not embedded.");
        using var reader = new StreamReader(stream);
        var script = Parser.ParseInput(reader.ReadToEnd(), out _, out var errors);
        return errors.Length > 0 ? throw new InvalidOperationException($"{name} does not parse: {errors[0].Message}") : script;
    }

    /// <summary>
    /// The steps of a NAT created in a guest: the commands of the plan the engine sends to GuestSteps.ps1 (each with its undo there),
    /// planned against a guest with Hyper-V and nothing in the way, as the scenario's guest is. Titled as the page and the audit show them.
    /// </summary>
    public static IReadOnlyList<ChangeStep> GuestNatSteps(NatNetworkRequest request)
    {
        var guest = GuestNetworkState.Empty with { Os = new GuestOs(FaultScenario.GuestOsName, "10.0.20348", IsServer: true, GuestHyperVState.Installed) };
        var planned = NatNetworkPlan.Create(request, guest);
        if (!planned.IsValid)
        {
            throw new InvalidOperationException($"The NAT request plans nothing: {string.Join(" ", planned.Problems.Select(p => p.Message))}");
        }

        var calls = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var steps = new List<ChangeStep>();
        foreach (var command in planned.Plan!.Commands)
        {
            var call = calls[command.Name] = calls.GetValueOrDefault(command.Name) + 1;
            steps.Add(new ChangeStep(steps.Count, command.DisplayText, command.Name, call));
        }

        return steps;
    }

    /// <summary>
    /// The steps of installing Hyper-V in a guest: the changing commands of InstallHyperV.ps1's branch for the guest's edition
    /// (the script's if: a Server installs the role with Install-WindowsFeature, a client enables the optional feature).
    /// </summary>
    public static IReadOnlyList<ChangeStep> InstallHyperVSteps(bool isServer)
    {
        var script = EngineScript("InstallHyperV.ps1");
        var branch = script.Find(a => a is IfStatementAst, searchNestedScriptBlocks: true) as IfStatementAst
            ?? throw new InvalidOperationException("InstallHyperV.ps1 no longer picks the install command by edition.");
        var steps = ChangingCommands(isServer ? branch.Clauses[0].Item2 : branch.ElseClause);
        if (!isServer)
        {
            // A client's cmdlet cannot restart over PowerShell Direct: the engine then restarts the VM from the host (its shut
            // down, then its start), and the install only takes effect through that restart.
            steps.Add(new ChangeStep(steps.Count, RestartStepTitle("Stop-VM"), "Stop-VM", 1));
            steps.Add(new ChangeStep(steps.Count, RestartStepTitle("Start-VM"), "Start-VM", 1));
        }

        return steps;
    }

    /// <summary>How the engine names a step of the restart that finishes a client's Hyper-V install.</summary>
    public static string RestartStepTitle(string command) => $"Restart the VM to finish installing Hyper-V ({command})";

    /// <summary>True for a step of the host-side restart after a client's Hyper-V install.</summary>
    public static bool IsInstallRestart(ChangeStep step) => step.Title.StartsWith("Restart the VM to finish installing Hyper-V", StringComparison.Ordinal);

    /// <summary>Every (scenario, step, fault) cell for <paramref name="fault"/>.</summary>
    public static IEnumerable<FaultCase> For(FaultScenario scenario, IReadOnlyList<ChangeStep> steps, HostFault fault) =>
        steps.Select(step => new FaultCase(scenario, step, fault));

    // Commands that change something (New-*, Set-*, Install-*, Enable-*) in script order; each cmdlet's calls numbered.
    private static List<ChangeStep> ChangingCommands(Ast body, Func<CommandAst, bool>? skip = null)
    {
        var calls = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var steps = new List<ChangeStep>();
        foreach (var command in body.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true).Cast<CommandAst>().OrderBy(c => c.Extent.StartOffset))
        {
            if (skip?.Invoke(command) == true)
            {
                continue;
            }

            var name = command.GetCommandName();
            if (name is null || !ChangingVerbs.Any(verb => name.StartsWith(verb, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var call = calls[name] = calls.GetValueOrDefault(name) + 1;
            steps.Add(new ChangeStep(steps.Count, name, name, call));
        }

        return steps;
    }
}
