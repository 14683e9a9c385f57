using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Networking;

/// <summary>Name, memory, processors and switch of a new VM ready for nesting, validated as typed; the host's answer shows in the dialog.</summary>
public sealed partial class NewVmDialog : ComponentBase
{
    private readonly HashSet<string> _touched = [];
    private string _name = "";
    private int _memoryGb = 4;
    private int _processors = 2;
    private string _switch = "";
    private bool _busy;
    private bool _submitted;
    private NewVmResult? _result;

    [Inject]
    public required NestedHvDashboard.Web.Access.CurrentActor Actor { get; init; }

    [Inject]
    public required NewVmService NewVms { get; init; }

    [CascadingParameter]
    public required IMudDialogInstance Dialog { get; set; }

    /// <summary>The host's name. Default empty.</summary>
    [Parameter]
    public string Host { get; set; } = "";

    /// <summary>The host's facts, for validation. Required.</summary>
    [Parameter]
    public HostFacts Facts { get; set; } = null!;

    /// <summary>The switches the host's VMs use (the inventory knows no others); the first is proposed. Default none.</summary>
    [Parameter]
    public IReadOnlyList<string> Switches { get; set; } = [];

    /// <summary>The names of the VMs already on the host, so a duplicate is refused as typed. Default none.</summary>
    [Parameter]
    public IReadOnlyCollection<string> ExistingNames { get; set; } = [];

    private NewVmRequest Request => new(_name, _memoryGb * (1L << 30), _processors, _switch);

    private IReadOnlyList<NewVmProblem> Problems => [.. NewVmService.Check(Request, Facts, Switches), .. Duplicate()];

    // Hyper-V allows two VMs of one name, but then every command by name hits both: the dashboard refuses it.
    private IEnumerable<NewVmProblem> Duplicate()
    {
        var name = _name.Trim();
        if (name.Length > 0 && ExistingNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            yield return new NewVmProblem(NewVmField.Name, $"Host '{Host}' already has a VM named '{name}'; choose another name.");
        }
    }

    protected override void OnInitialized() => _switch = Switches.Count > 0 ? Switches[0] : "";

    private string SwitchHelp => Switches.Count == 0 ? "" : $"In use on this host: {string.Join(", ", Switches)}";

    private static string OutcomeOf(NewVmResult result) => result.Succeeded ? "Succeeded" : "Failed";

    private void SetName(string? value) => Edit(NewVmField.Name, () => _name = value ?? "");

    private void SetSwitch(string? value) => Edit(NewVmField.SwitchName, () => _switch = value ?? "");

    // A field's problem shows once it was edited, and every field's once Create was pressed; it is computed from the values
    // as they are now, so a fixed field never keeps an old message.
    private string? ProblemOf(string field) => _submitted || _touched.Contains(field) ? Problems.FirstOrDefault(p => p.Field == field)?.Message : null;

    private void Edit(string field, Action set)
    {
        _touched.Add(field);
        _result = null;
        set();
    }

    private async Task CreateAsync()
    {
        // Never a silently greyed button: pressing Create with problems shows every one of them.
        _submitted = true;
        if (Problems.Count > 0)
        {
            return;
        }

        _busy = true;
        _result = null;
        try
        {
            _result = await NewVms.CreateAsync(await Actor.GetAsync(), Host, Request);
        }
        finally
        {
            _busy = false;
        }
    }

    private void Close()
    {
        if (_result is { Succeeded: true, Vm: { } vm })
        {
            Dialog.Close(DialogResult.Ok(vm));
        }
        else
        {
            Dialog.Cancel();
        }
    }
}
