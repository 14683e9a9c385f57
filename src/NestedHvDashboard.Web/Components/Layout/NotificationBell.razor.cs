using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Notifications;

namespace NestedHvDashboard.Web.Components.Layout;

/// <summary>
/// The app bar's notification centre for the signed-in user, live from <see cref="ActionNotifications"/>: a bell with a badge
/// (running actions and those ended since the list was last opened) and the list, each action with its state, elapsed time and
/// a link to its Activity entry. While an action runs the times move each second.
/// </summary>
public sealed partial class NotificationBell : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<ActionNotice> _notices = [];
    private string? _user;
    private int _unseen;
    private bool _ticking;

    [Inject]
    public required ActionNotifications Notifications { get; init; }

    [Inject]
    public required CurrentActor Actor { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    private string AriaLabel => _unseen == 0 ? "Long actions" : $"Long actions, {_unseen} new or running";

    protected override async Task OnInitializedAsync()
    {
        var actor = await Actor.GetAsync();
        if (!actor.CanView)
        {
            return;
        }

        _user = actor.Name;
        Notifications.Changed += OnChanged;
        Read();
    }

    /// <summary>The notice's state and times in the user's words.</summary>
    public static string StateOf(ActionNotice notice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var took = Networking.GuestInstallProgress.Duration(notice.Elapsed(now));
        return notice.IsRunning
            ? $"Running · {took} so far"
            : $"{notice.Result} · took {took} · ended {notice.EndedAt?.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC";
    }

    private string StateOf(ActionNotice notice) => StateOf(notice, Time.GetUtcNow());

    private static string IconOf(string result) => result switch
    {
        AuditResults.Succeeded => Icons.Material.Filled.CheckCircle,
        AuditResults.Failed or AuditResults.Interrupted => Icons.Material.Filled.Error,
        AuditResults.Partial or AuditResults.Refused or AuditResults.Denied => Icons.Material.Filled.Warning,
        _ => Icons.Material.Filled.Info,
    };

    private static Color ColorOf(string result) => result switch
    {
        AuditResults.Succeeded => Color.Success,
        AuditResults.Failed or AuditResults.Interrupted => Color.Error,
        AuditResults.Partial or AuditResults.Refused or AuditResults.Denied => Color.Warning,
        _ => Color.Info,
    };

    private void Read()
    {
        if (_user is null)
        {
            return;
        }

        _notices = Notifications.For(_user);
        _unseen = Notifications.Unseen(_user);
        if (!_ticking && Notifications.HasRunning(_user) && RendererInfo.IsInteractive)
        {
            _ticking = true;
            _ = TickAsync();
        }
    }

    private void OnOpenChanged(bool open)
    {
        if (open && _user is not null)
        {
            Notifications.MarkSeen(_user);
        }
    }

    private void ClearFinished()
    {
        if (_user is not null)
        {
            Notifications.ClearFinished(_user);
        }
    }

    private void OnChanged(string user)
    {
        if (string.Equals(user, _user, StringComparison.OrdinalIgnoreCase))
        {
            _ = InvokeAsync(() =>
            {
                Read();
                StateHasChanged();
            });
        }
    }

    // Elapsed times move, and a change that passes the long mark appears, while something runs.
    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var running = false;
                await InvokeAsync(() =>
                {
                    Read();
                    running = _user is not null && Notifications.HasRunning(_user);
                    StateHasChanged();
                });
                if (!running)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The circuit went away.
        }
        finally
        {
            _ticking = false;
        }
    }

    public void Dispose()
    {
        Notifications.Changed -= OnChanged;
        _stop.Cancel();
        _stop.Dispose();
    }
}
