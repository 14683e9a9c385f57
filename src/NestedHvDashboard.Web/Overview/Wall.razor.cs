using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Components;
using Microsoft.JSInterop;

namespace NestedHvDashboard.Web.Overview;

/// <summary>
/// The kiosk view: every host as a large tile on a dark screen, paging by itself when they do not
/// fit. The browser measures the space (wwwroot/js/wall.js); <see cref="WallPages"/> does the sums.
/// </summary>
public sealed partial class Wall : HostTilesComponent, IAsyncDisposable
{
    /// <summary>How long each page shows.</summary>
    public static readonly TimeSpan PageInterval = TimeSpan.FromSeconds(10);

    private readonly WallPages _pages = new();
    private readonly CancellationTokenSource _stop = new();
    private ElementReference _grid;
    private ElementReference _clock;
    private BrowserWatch? _space;
    private bool _gone;
    private Task? _paging;

    private string? _linkTag;

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required ILogger<Wall> Logger { get; init; }

    /// <summary>The viewer: a wall link with a tag shows that tag's hosts whatever the address says.</summary>
    [CascadingParameter]
    public Task<AuthenticationState>? Authentication { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (Authentication is not null)
        {
            _linkTag = (await Authentication).User.FindFirst(WallLinkClaims.Tag)?.Value;
        }
    }

    protected override void OnParametersSet()
    {
        if (_linkTag is not null)
        {
            Tag = [_linkTag];
        }

        base.OnParametersSet();
    }

    // Until the browser measured the space, the CSS grid places the tiles by itself.
    private string GridStyle => _pages.Rows == 0
        ? $"grid-template-columns: repeat(auto-fill, minmax({WallPages.MinTileWidth}px, 1fr));"
        : $"grid-template-columns: repeat({_pages.Columns}, minmax(0, 1fr));";

    protected override void OnTilesChanged() => _pages.SetCount(Shown.Count);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive)
        {
            return;
        }

        _paging = PageAsync(_stop.Token);
        var watch = await BrowserWatch.StartAsync(JS, Logger, "./js/wall.js", this, _grid, _clock);
        if (_gone)
        {
            // The page went while the module loaded.
            await watch.DisposeAsync();
            return;
        }

        _space = watch;
    }

    /// <summary>Called by wall.js with the space left for tiles, at start and after every resize.</summary>
    [JSInvokable]
    public Task Fit(double width, double height) => InvokeAsync(() =>
    {
        _pages.Fit(width, height);
        StateHasChanged();
    });

    private async Task PageAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PageInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await InvokeAsync(() =>
                {
                    if (_pages.PageCount > 1)
                    {
                        _pages.Advance();
                        StateHasChanged();
                    }
                });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The wall closed.
        }
    }

    /// <summary>Stops the page timer and the browser's resize watch, then the live feed.</summary>
    public new async ValueTask DisposeAsync()
    {
        _gone = true;
        await _stop.CancelAsync();
        if (_paging is not null)
        {
            await _paging;
        }

        if (_space is not null)
        {
            await _space.DisposeAsync();
        }

        _stop.Dispose();
        await base.DisposeAsync();
    }
}
