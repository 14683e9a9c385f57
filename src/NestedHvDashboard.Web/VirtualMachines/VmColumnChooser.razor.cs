using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>
/// Chooses the VM grid's optional columns. On its first render it reads the browser's stored choice (or, with none,
/// the window's width for the defaults) and tells the grid; every change is stored in the browser at once.
/// </summary>
public sealed partial class VmColumnChooser : ComponentBase, IAsyncDisposable
{
    private IJSObjectReference? _module;
    private int _width = 1920;

    [Inject]
    public required IJSRuntime JS { get; init; }

    /// <summary>True when the grid shows the Host column (the all-VMs view). Default false.</summary>
    [Parameter]
    public bool ShowHost { get; set; }

    /// <summary>The keys of the columns shown (see <see cref="VmGridColumns"/>). Default: none.</summary>
    [Parameter]
    public IReadOnlySet<string> Shown { get; set; } = new HashSet<string>();

    /// <summary>Called with the new set of shown columns.</summary>
    [Parameter]
    public EventCallback<IReadOnlySet<string>> ShownChanged { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        _module = await JS.InvokeAsync<IJSObjectReference?>("import", "./js/vmcolumns.js");
        var stored = _module is null ? null : await _module.InvokeAsync<StoredColumns?>("load");
        if (stored is not null)
        {
            _width = stored.Width;
        }

        await ShownChanged.InvokeAsync(VmGridColumns.Resolve(stored?.Stored, _width));
    }

    private async Task SetAsync(string key, bool on)
    {
        var shown = new HashSet<string>(Shown, StringComparer.Ordinal);
        if (on)
        {
            shown.Add(key);
        }
        else
        {
            shown.Remove(key);
        }

        await ShownChanged.InvokeAsync(shown);
        await SaveAsync(VmGridColumns.Store(shown));
    }

    private async Task ResetAsync()
    {
        await ShownChanged.InvokeAsync(VmGridColumns.DefaultsFor(_width));
        await SaveAsync(null);
    }

    private async Task SaveAsync(string? value)
    {
        if (_module is not null)
        {
            await _module.InvokeVoidAsync("save", value);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the module.
            }
            catch (TaskCanceledException)
            {
                // The circuit is being disposed (the page was left by a full load): its pending JS calls are canceled, and the
                // page's module goes with it. Logged as an unhandled circuit error before.
            }
        }
    }

    /// <summary>What js/vmcolumns.js load() returns.</summary>
    /// <param name="Stored">The stored choice, or null.</param>
    /// <param name="Width">The window's width in CSS pixels.</param>
    public sealed record StoredColumns(string? Stored, int Width);
}
