using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Components.Pages;

/// <summary>The activity log, live: every nested virtualization change since the dashboard started, filtered by host, outcome and text.</summary>
public sealed partial class Activity : ComponentBase, IDisposable
{
    private IReadOnlyList<ActivityEntry> _entries = [];
    private IReadOnlyList<ActivityEntry> _shown = [];
    private IReadOnlyList<string> _hosts = [];
    private IReadOnlyList<string> _outcomes = [];
    private ActivityQuery _query = new();
    private int _renderQueued;

    [Inject]
    public required ActivityLog Log { get; init; }

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        if (RendererInfo.IsInteractive)
        {
            Log.Appended += OnAppended;
        }
    }

    private async Task LoadAsync()
    {
        _entries = await Log.ReadAsync();
        _hosts = [.. _entries.Select(e => e.Host).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
        _outcomes = [.. _entries.Select(e => e.Outcome).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
        _shown = _query.Apply(_entries);
    }

    private void OnAppended(ActivityEntry entry)
    {
        // A bulk run appends many entries at once; one queued render shows them all.
        if (Interlocked.Exchange(ref _renderQueued, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            Volatile.Write(ref _renderQueued, 0);
            await LoadAsync();
            StateHasChanged();
        });
    }

    private void OnText(string? text)
    {
        _query = _query with { Text = text ?? "" };
        _shown = _query.Apply(_entries);
    }

    private void OnHost(string? host)
    {
        _query = _query with { Host = string.IsNullOrEmpty(host) ? null : host };
        _shown = _query.Apply(_entries);
    }

    private void OnOutcome(string? outcome)
    {
        _query = _query with { Outcome = string.IsNullOrEmpty(outcome) ? null : outcome };
        _shown = _query.Apply(_entries);
    }

    public void Dispose() => Log.Appended -= OnAppended;
}
