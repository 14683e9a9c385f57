using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// The stored blueprints: their size, last run and drift, kept current as runs and drift change; New, Import (a file is
/// stored only once it reads and validates cleanly), Export as YAML or JSON, and Delete after a confirmation.
/// </summary>
public sealed partial class BlueprintsPage : ComponentBase, IDisposable
{
    private IReadOnlyList<BlueprintSummary> _summaries = [];
    private Dictionary<string, Blueprint> _exports = new(StringComparer.OrdinalIgnoreCase);
    private bool _loaded;
    private bool _canOperate;
    private bool _busy;
    private string? _message;
    private bool _messageOk;
    private ImportProblems? _importProblems;

    [Inject]
    public required IBlueprintService Blueprints { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _canOperate = (await Actor.GetAsync()).CanOperate;
        Blueprints.RunChanged += OnRunChanged;
        Blueprints.DriftChanged += OnDriftChanged;
        await LoadAsync();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Blueprints.RunChanged -= OnRunChanged;
        Blueprints.DriftChanged -= OnDriftChanged;
    }

    private void OnRunChanged(string name) => _ = InvokeAsync(ReloadAsync);

    private void OnDriftChanged() => _ = InvokeAsync(ReloadAsync);

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    private async Task LoadAsync()
    {
        var summaries = await Blueprints.ListAsync();
        var exports = new Dictionary<string, Blueprint>(StringComparer.OrdinalIgnoreCase);
        foreach (var summary in summaries)
        {
            if (await Blueprints.GetAsync(summary.Name) is { } blueprint)
            {
                exports[summary.Name] = blueprint;
            }
        }

        _summaries = summaries;
        _exports = exports;
        _loaded = true;
    }

    private async Task ImportAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }

        _busy = true;
        _message = null;
        _importProblems = null;
        try
        {
            var (text, problem) = await BlueprintFileTransfer.ReadAsync(file);
            if (text is null)
            {
                _importProblems = new(file.Name, problem!, []);
                return;
            }

            var parsed = Blueprints.Parse(text);
            if (!parsed.IsValid)
            {
                _importProblems = new(file.Name, $"it has {Count(parsed.Problems.Count)}.", parsed.Problems);
                return;
            }

            var blueprint = parsed.Blueprint!;
            if (_summaries.Any(s => string.Equals(s.Name, blueprint.Name, StringComparison.OrdinalIgnoreCase)))
            {
                var replace = await Dialogs.ShowMessageBoxAsync(
                    "Replace blueprint",
                    $"A blueprint named '{blueprint.Name}' is stored already. Replace it with the one in {file.Name}? Its last run and the lab are kept.",
                    yesText: "Replace", cancelText: "Cancel");
                if (replace != true)
                {
                    return;
                }
            }

            var saved = await Blueprints.SaveAsync(await Actor.GetAsync(), blueprint);
            if (!saved.Succeeded)
            {
                _importProblems = new(file.Name, saved.Message, saved.Problems);
                return;
            }

            Say($"Imported '{blueprint.Name}' ({parsed.Format} file {file.Name}).", ok: true);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync(BlueprintSummary summary)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete blueprint",
            $"Delete blueprint '{summary.Name}' and its run history? The lab it built is left as it is; its drift is no longer watched.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        _busy = true;
        try
        {
            var result = await Blueprints.DeleteAsync(await Actor.GetAsync(), summary.Name);
            Say(result.Succeeded ? $"Deleted '{summary.Name}'." : result.Message, result.Succeeded);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void Say(string message, bool ok)
    {
        _message = message;
        _messageOk = ok;
    }

    private static string Count(int problems) => problems == 1 ? "1 problem" : $"{problems} problems";

    /// <summary>A problem as the user reads it: the line first (text files), then where and what.</summary>
    internal static string ProblemText(BlueprintProblem problem) =>
        problem.Line is { } line ? $"line {line} · {problem.Path}: {problem.Message}" : $"{problem.Path}: {problem.Message}";

    private sealed record ImportProblems(string File, string Message, IReadOnlyList<BlueprintProblem> Problems);
}
