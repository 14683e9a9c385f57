using Microsoft.JSInterop;


namespace NestedHvDashboard.Web.Components;

/// <summary>
/// A page's JavaScript module that watches something in the browser and reports to the page (the overview's and the
/// wall's grid width): its <c>start(...)</c> is called once the page is interactive, its <c>stop()</c> when the page goes,
/// and the page's <see cref="DotNetObjectReference{T}"/> it reports to is released with it.
/// </summary>
public sealed partial class BrowserWatch : IAsyncDisposable
{
    private readonly IJSObjectReference? _module;
    private readonly IDisposable _reportsTo;

    private BrowserWatch(IJSObjectReference? module, IDisposable reportsTo)
    {
        _module = module;
        _reportsTo = reportsTo;
    }

    /// <summary>
    /// Imports <paramref name="path"/> and calls its <c>start</c> with <paramref name="arguments"/> and then <paramref name="page"/>.
    /// A module that fails to load or start is logged and left out: the page works without it (an exception here, in a
    /// page's first render, would end the whole circuit and every page after it).
    /// </summary>
    public static async Task<BrowserWatch> StartAsync<TPage>(IJSRuntime js, ILogger logger, string path, TPage page, params object?[] arguments)
        where TPage : class
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(logger);
        var self = DotNetObjectReference.Create(page);
        IJSObjectReference? module = null;
        try
        {
            // Null where nothing runs the module (a test renderer without a browser): nothing to start or stop.
            module = await js.InvokeAsync<IJSObjectReference?>("import", path);
            if (module is not null)
            {
                await module.InvokeVoidAsync("start", [.. arguments, self]);
            }

            return new BrowserWatch(module, self);
        }
        catch (JSException exception)
        {
            LogStartFailed(logger, path, exception);
            if (module is not null)
            {
                await module.DisposeAsync();
            }

            return new BrowserWatch(null, self);
        }
        catch
        {
            self.Dispose();
            throw;
        }
    }

    /// <summary>Stops the watch in the browser; a circuit already gone has nothing left to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_module is not null)
            {
                await _module.InvokeVoidAsync("stop");
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; so is the page.
        }

        _reportsTo.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The page's browser module {Path} did not start; the page goes on without it")]
    private static partial void LogStartFailed(ILogger logger, string path, Exception exception);
}
