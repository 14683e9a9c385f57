using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// A blueprint's page: edit it as YAML, JSON or a form (kept in sync), save it, review it against the hosts, apply it and
/// follow the run, and see its drift. /blueprints/new starts from a one-L1 template on the first host.
/// </summary>
public sealed partial class BlueprintEditor : ComponentBase, IDisposable
{
    /// <summary>How long typing pauses before the text is read again.</summary>
    public static readonly TimeSpan ReadDelay = TimeSpan.FromMilliseconds(400);

    private BlueprintDraft? _draft;
    private Blueprint? _stored;
    private IReadOnlyList<string> _hosts = [];
    private bool _canOperate;
    private bool _missing;
    private bool _saving;
    private int _view;
    private BlueprintChangeResult? _saveAnswer;
    private BlueprintChangeResult? _applyAnswer;
    private CancellationTokenSource? _typing;

    [Inject]
    public required IBlueprintService Blueprints { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required HostDirectory Directory { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The stored blueprint's name (from the address); null on /blueprints/new.</summary>
    [Parameter]
    public string? Name { get; set; }

    private bool IsNew => Name is null;

    private static readonly BlueprintFormat[] TextViews = [BlueprintFormat.Yaml, BlueprintFormat.Json];

    // Apply runs the stored blueprint: the edited one must be saved as it is shown.
    private string? NotSaved =>
        _draft is null || _stored is null ? "Save the blueprint first: apply runs the stored blueprint."
        : !_draft.IsValid ? "Fix the problems in the text first."
        : Blueprints.Export(_draft.Blueprint, BlueprintFormat.Json) != Blueprints.Export(_stored, BlueprintFormat.Json) ? "Save your changes first: apply runs the stored blueprint."
        : null;

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        _canOperate = (await Actor.GetAsync()).CanOperate;
        _hosts = [.. Directory.Hosts.Select(h => h.Name)];
        _missing = false;
        _applyAnswer = null;
        if (IsNew)
        {
            _stored = null;
            _draft = new BlueprintDraft(Blueprints, Template(_hosts.Count > 0 ? _hosts[0] : ""));
            return;
        }

        _stored = await Blueprints.GetAsync(Name!);
        _missing = _stored is null;
        _draft = _stored is null ? null : new BlueprintDraft(Blueprints, _stored);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _typing?.Cancel();
        _typing?.Dispose();
    }

    /// <summary>What a new blueprint starts as: one L1 with NAT and one L2 on <paramref name="host"/>.</summary>
    public static Blueprint Template(string host)
    {
        var form = new BlueprintFormModel { Name = "new-lab" };
        form.AddL1(host).AddL2();
        return form.ToBlueprint();
    }

    // The text is read once typing pauses, so a half-typed line does not flash problems at every key.
    private async Task TypedAsync(BlueprintFormat format, string text)
    {
        _draft!.Type(format, text);
        _typing?.Cancel();
        _typing?.Dispose();
        _typing = new CancellationTokenSource();
        try
        {
            await Task.Delay(ReadDelay, Time, _typing.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _draft.Read(format);
    }

    private void ReadPending()
    {
        if (_draft is { Pending: true })
        {
            _typing?.Cancel();
            _draft.Read(TextViews.Length > _view ? TextViews[_view] : BlueprintFormat.Yaml);
        }
    }

    // Leaving a text view reads what it holds at once: the next view shows it, not the text from before the last keys.
    private Task ShowViewAsync(int view)
    {
        ReadPending();
        _view = view;
        return Task.CompletedTask;
    }

    private void FormChanged() => _draft!.FormChanged();

    private async Task SaveAsync()
    {
        ReadPending();
        var draft = _draft!;
        if (!draft.IsValid)
        {
            _saveAnswer = new(false, $"Not saved: the {(draft.ProblemsIn?.ToString() ?? "form")} has {(draft.Problems.Count == 1 ? "a problem" : $"{draft.Problems.Count} problems")} (listed under it).", []);
            return;
        }

        _saving = true;
        try
        {
            var blueprint = draft.Blueprint;
            _saveAnswer = await Blueprints.SaveAsync(await Actor.GetAsync(), blueprint);
            if (!_saveAnswer.Succeeded)
            {
                return;
            }

            _stored = blueprint;
            if (!string.Equals(blueprint.Name, Name, StringComparison.Ordinal))
            {
                // A new blueprint, or one saved under a new name (the old one stays): its own page from now on.
                Navigation.NavigateTo(BlueprintLook.Href(blueprint.Name));
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private void OnApplied(BlueprintChangeResult answer) => _applyAnswer = answer;
}
