using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.Inventory;

namespace NestedHvDashboard.Web.Metrics;

/// <summary>
/// A chart that follows the <see cref="MetricHistory"/>: it re-renders itself (not its page) once per sample, with one
/// InvokeAsync; a sample that arrives while a render is pending is folded into it. Before the circuit is interactive it
/// shows the history as it is.
/// </summary>
public abstract class MetricHistoryComponent : ComponentBase, IDisposable
{
    private int _pending;
    private bool _listening;
    private bool _disposed;

    /// <summary>The history the chart draws.</summary>
    [Inject]
    public required MetricHistory History { get; init; }

    /// <summary>The dashboard's clock ("now" on the chart).</summary>
    [Inject]
    public required TimeProvider Time { get; init; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        if (RendererInfo.IsInteractive)
        {
            History.Sampled += OnHistorySampled;
            _listening = true;
        }
    }

    /// <summary>"Collecting… (first point in N s)": when the next sample comes, in whole seconds.</summary>
    protected string CollectingText()
    {
        var now = Time.GetUtcNow();
        var seconds = (int)Math.Ceiling((History.NextSampleAfter(now) - now).TotalSeconds);
        return $"Collecting… (first point in {Math.Max(1, seconds)} s)";
    }

    // On the sampler's thread: schedule one render unless one is already pending.
    private void OnHistorySampled()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(Refresh).ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private void Refresh()
    {
        Volatile.Write(ref _pending, 0);
        if (!_disposed)
        {
            OnSampled();
            StateHasChanged();
        }
    }

    /// <summary>Called on the render thread after a new sample, before the re-render.</summary>
    protected virtual void OnSampled()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        if (_listening)
        {
            History.Sampled -= OnHistorySampled;
        }

        GC.SuppressFinalize(this);
    }
}
