using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using NestedHvDashboard.Web.Data;
namespace NestedHvDashboard.Web.Audit;

/// <summary>
/// The audit trail, live: every change attempt (who, from where, what, the result and what the host said), newest first,
/// <see cref="AuditQuery.PageSize"/> at a time, filtered as the query string says, exportable as CSV with the same filters.
/// </summary>
public sealed partial class Activity : ComponentBase, IDisposable
{
    private readonly HashSet<long> _expanded = [];
    private List<AuditEntry> _entries = [];
    private AuditChoices _choices = new([], [], [], [], []);
    private AuditFilter _filter = new();
    private bool _hasMore;
    private bool _loaded;
    private int _refreshQueued;
    private long? _opened;
    private long? _scrollTo;

    [Inject]
    public required ActivityLog Log { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [SupplyParameterFromQuery(Name = "text")]
    public string? Text { get; set; }

    [SupplyParameterFromQuery(Name = "user")]
    public string? User { get; set; }

    [SupplyParameterFromQuery(Name = "host")]
    public string? Host { get; set; }

    [SupplyParameterFromQuery(Name = "action")]
    public string? Action { get; set; }

    [SupplyParameterFromQuery(Name = "result")]
    public string? Result { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? To { get; set; }

    [SupplyParameterFromQuery(Name = "channel")]
    public string? Channel { get; set; }

    /// <summary>The entry to open (<c>/activity?entry=ID</c>, the notification centre's and a result's link): shown expanded and marked.</summary>
    [SupplyParameterFromQuery(Name = "entry")]
    public long? Entry { get; set; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    private string ExportHref => AuditEndpoints.ExportPath + _filter.ToQueryString();

    private string? ToText => AuditFilter.FormatTo(_filter.To);

    protected override void OnInitialized()
    {
        if (RendererInfo.IsInteractive)
        {
            Log.Changed += OnChanged;
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["text"] = Text, ["user"] = User, ["host"] = Host, ["action"] = Action, ["result"] = Result, ["from"] = From, ["to"] = To, ["channel"] = Channel,
        };
        var filter = AuditFilter.FromQuery(values.GetValueOrDefault);
        if (!_loaded || filter != _filter)
        {
            _filter = filter;
            await LoadAsync();
        }

        await OpenEntryAsync();
    }

    // The linked entry is opened where it sits among the others (read on its own when it is not on the loaded page).
    private async Task OpenEntryAsync()
    {
        if (Entry is not { } id || _opened == id)
        {
            return;
        }

        _opened = id;
        _scrollTo = id;
        _expanded.Add(id);
        if (!_entries.Exists(e => e.Id == id) && await Log.FindAsync(id) is { } entry)
        {
            var at = _entries.FindIndex(e => e.Id < id);
            _entries.Insert(at < 0 ? _entries.Count : at, entry);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_scrollTo is { } id && RendererInfo.IsInteractive && _entries.Exists(e => e.Id == id))
        {
            _scrollTo = null;
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/activity.js");
            await module.InvokeVoidAsync("showEntry", id);
        }
    }

    private async Task LoadAsync()
    {
        var filter = _filter;
        var page = await Log.ReadAsync(filter);
        _choices = await Log.ChoicesAsync();
        if (filter != _filter)
        {
            return;
        }

        _entries = [.. page.Entries];
        _hasMore = page.HasMore;
        _loaded = true;
    }

    private async Task LoadMoreAsync()
    {
        if (_entries.Count == 0)
        {
            return;
        }

        var page = await Log.ReadAsync(_filter, _entries[^1].Id);
        var known = _entries.Select(e => e.Id).ToHashSet();
        _entries.AddRange(page.Entries.Where(e => !known.Contains(e.Id)));
        _hasMore = page.HasMore;
    }

    /// <summary>Applies a new filter and keeps it in the address (replacing the history entry, so Back leaves the page).</summary>
    private async Task SetAsync(AuditFilter filter)
    {
        if (filter == _filter)
        {
            return;
        }

        _filter = filter;
        await LoadAsync();
        Navigation.NavigateTo("/activity" + filter.ToQueryString(), replace: true);
    }

    private Task OnText(string? text) => SetAsync(_filter with { Text = Blank(text) });

    private Task OnFrom(string? from) => SetAsync(_filter with { From = AuditFilter.FromQuery(n => n == "from" ? from : null).From });

    private Task OnTo(string? to) => SetAsync(_filter with { To = AuditFilter.FromQuery(n => n == "to" ? to : null).To });

    private void Toggle(long id)
    {
        if (!_expanded.Remove(id))
        {
            _expanded.Add(id);
        }
    }

    private void OnChanged(AuditEntry entry)
    {
        // A bulk run writes many entries at once; one queued refresh shows them all.
        if (Interlocked.Exchange(ref _refreshQueued, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            Volatile.Write(ref _refreshQueued, 0);
            await RefreshAsync();
            StateHasChanged();
        });
    }

    /// <summary>Re-reads the newest page and merges it: new entries on top, completed ones updated, older loaded ones kept.</summary>
    private async Task RefreshAsync()
    {
        var filter = _filter;
        var page = await Log.ReadAsync(filter);
        _choices = await Log.ChoicesAsync();
        if (filter != _filter)
        {
            return;
        }

        var oldest = page.Entries.Count == 0 ? long.MaxValue : page.Entries[^1].Id;
        _entries = [.. page.Entries, .. _entries.Where(e => e.Id < oldest)];
        _hasMore = _entries.Count == page.Entries.Count ? page.HasMore : _hasMore;
        _loaded = true;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Time(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string WhoDetail(AuditEntry entry) =>
        $"{entry.Actor} ({entry.Role ?? "no role"}) through {entry.Channel}{(entry.RemoteAddress is { } address ? $" from {address}" : "")}";

    /// <summary>The MudBlazor color class suffix of a result's chip.</summary>
    private static string ColorOf(string result) => result switch
    {
        AuditResults.Succeeded => "success",
        AuditResults.Failed or AuditResults.Interrupted => "error",
        AuditResults.Refused or AuditResults.Denied or AuditResults.Partial => "warning",
        AuditResults.Deferred or AuditResults.Started => "info",
        _ => "default",
    };

    public void Dispose() => Log.Changed -= OnChanged;
}
