using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Checkpoints;

/// <summary>
/// The VM page's checkpoints: the tree with dates, types and where the VM is now, and take / apply (warned) / delete / delete subtree
/// (warned), each through the <see cref="CheckpointService"/> with its steps live. Viewers see the list and disabled buttons.
/// </summary>
public sealed partial class CheckpointsCard : VmPartComponent, IAsyncDisposable
{
    private enum Form { None, Create, Apply, Delete, DeleteSubtree }

    private VmCheckpoints? _list;
    private string? _loadError;
    private bool _loading;
    private bool _canOperate;
    private int? _offsetMinutes;
    private Form _form;
    private VmCheckpoint? _target;
    private string _name = "";
    private bool _nameTouched;
    private bool _checkpointFirst = true;
    private string _firstName = "";
    private bool _startAfterwards;
    private StepLog? _steps;
    private bool _running;
    private CheckpointResult? _result;
    private bool? _seenHasCheckpoints;
    private Guid _loadedFor;
    private IJSObjectReference? _localTime;

    [Inject]
    public required CheckpointService Checkpoints { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    private string? NameProblem => _nameTouched ? CheckpointNames.Problem(_name) : null;

    private string? FirstNameProblem => _checkpointFirst ? CheckpointNames.Problem(_firstName) : null;

    protected override async Task OnParametersSetAsync()
    {
        // The feed says checkpoints came or went (another user, Hyper-V Manager): read the list again.
        if (RendererInfo.IsInteractive && !_running && _list is not null && (_loadedFor != Vm.Id || _seenHasCheckpoints != Vm.HasCheckpoints))
        {
            await LoadAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        _canOperate = (await Actor.GetAsync()).CanOperate;
        try
        {
            _localTime = await JS.InvokeAsync<IJSObjectReference>("import", "./js/localtime.js");
            _offsetMinutes = _localTime is null ? null : await _localTime.InvokeAsync<int>("utcOffsetMinutes");
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException)
        {
            // Without the browser's offset times show in UTC, and say so.
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        StateHasChanged();
        try
        {
            _list = await Checkpoints.ListAsync(Host, Vm.Id);
            _loadError = null;
        }
        catch (HostOperationException ex)
        {
            _loadError = $"The checkpoints of VM '{Vm.Name}' could not be read from host '{Host}': {ex.HostMessage ?? ex.Message}";
        }
        finally
        {
            _loading = false;
            _loadedFor = Vm.Id;
            _seenHasCheckpoints = Vm.HasCheckpoints;
        }

        StateHasChanged();
    }

    private void OpenCreate()
    {
        _form = Form.Create;
        _target = null;
        _name = CheckpointNames.Suggested(Vm.Name, Now);
        _nameTouched = true;
        _result = null;
    }

    private void OpenApply(VmCheckpoint checkpoint)
    {
        _form = Form.Apply;
        _target = checkpoint;
        _checkpointFirst = true;
        _firstName = CheckpointNames.BeforeApplying(checkpoint.Name, Now);
        _startAfterwards = Vm.State is VmState.Running;
        _result = null;
    }

    private void OpenDelete(VmCheckpoint checkpoint, bool subtree)
    {
        _form = subtree ? Form.DeleteSubtree : Form.Delete;
        _target = checkpoint;
        _result = null;
    }

    private void Close() => _form = Form.None;

    private void OnNameChanged(string value)
    {
        _name = value;
        _nameTouched = true;
    }

    private Task CreateAsync()
    {
        _nameTouched = true;
        return CheckpointNames.Problem(_name) is null ? RunAsync((actor, steps) => Checkpoints.CreateAsync(actor, Host, Vm, _name, steps)) : Task.CompletedTask;
    }

    private Task ApplyAsync()
    {
        if (_target is not { } target || FirstNameProblem is not null)
        {
            return Task.CompletedTask;
        }

        var options = new ApplyCheckpointOptions(_checkpointFirst ? _firstName : null, _startAfterwards);
        return RunAsync((actor, steps) => Checkpoints.ApplyAsync(actor, Host, Vm, target, options, steps));
    }

    private Task DeleteAsync()
    {
        var subtree = _form is Form.DeleteSubtree;
        return _target is { } target ? RunAsync((actor, steps) => Checkpoints.RemoveAsync(actor, Host, Vm, target, subtree, steps)) : Task.CompletedTask;
    }

    private async Task RunAsync(Func<Access.Actor, IProgress<OperationStep>, Task<CheckpointResult>> change)
    {
        if (_running)
        {
            return;
        }

        _running = true;
        _result = null;
        _steps = new StepLog();
        _steps.Changed += OnStep;
        _form = Form.None;
        StateHasChanged();
        try
        {
            _result = await change(await Actor.GetAsync(), _steps);
        }
        finally
        {
            _running = false;
        }

        await LoadAsync();
    }

    private void OnStep() => _ = InvokeAsync(StateHasChanged);

    private DateTimeOffset Now => Time.GetUtcNow();

    private string LocalTime(DateTimeOffset when) => _offsetMinutes is { } offset
        ? when.ToOffset(TimeSpan.FromMinutes(offset)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
        : when.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>"just now", "5 min ago", "3 h ago", "yesterday", "12 days ago", "7 months ago", "2 years ago".</summary>
    internal static string Relative(DateTimeOffset when, DateTimeOffset now)
    {
        var ago = now - when;
        return ago < TimeSpan.FromMinutes(1) ? "just now"
            : ago < TimeSpan.FromHours(1) ? $"{(int)ago.TotalMinutes} min ago"
            : ago < TimeSpan.FromDays(1) ? $"{(int)ago.TotalHours} h ago"
            : ago < TimeSpan.FromDays(2) ? "yesterday"
            : ago < TimeSpan.FromDays(60) ? $"{(int)ago.TotalDays} days ago"
            : ago < TimeSpan.FromDays(730) ? $"{(int)(ago.TotalDays / 30.4)} months ago"
            : $"{(int)(ago.TotalDays / 365.25)} years ago";
    }

    private static string TypeText(string checkpointType) => checkpointType switch
    {
        "Production" => "New checkpoints: production (standard where the guest cannot)",
        "ProductionOnly" => "New checkpoints: production only",
        "Standard" => "New checkpoints: standard (with the VM's memory)",
        "Disabled" => "Checkpoints are disabled for this VM (Set-VM -CheckpointType)",
        _ => "",
    };

    public async ValueTask DisposeAsync()
    {
        if (_steps is not null)
        {
            _steps.Changed -= OnStep;
        }

        if (_localTime is not null)
        {
            try
            {
                await _localTime.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the module.
            }
        }
    }
}
