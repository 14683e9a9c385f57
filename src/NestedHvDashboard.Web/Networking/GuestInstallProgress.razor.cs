using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// One <see cref="GuestInstall"/> as it runs (steps, elapsed time ticking each second, Stop waiting) and once it ended (the
/// outcome, the time it took and a link to its Activity entry). It only shows what the install holds, so a new card (after
/// the VM restarted, a navigation or a reload) shows the same.
/// </summary>
public sealed partial class GuestInstallProgress : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private GuestInstall? _watched;

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The install to show. Required.</summary>
    [Parameter]
    [EditorRequired]
    public GuestInstall Install { get; set; } = null!;

    /// <summary>A duration in the user's words: "42 s", "3 min 05 s", "1 h 02 min".</summary>
    public static string Duration(TimeSpan elapsed) => elapsed switch
    {
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalHours} h {elapsed.Minutes:00} min"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalMinutes} min {elapsed.Seconds:00} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)elapsed.TotalSeconds)} s"),
    };

    /// <summary>The result's first line: "Hyper-V installed in 3 min 05 s" when it succeeded.</summary>
    private string Headline(GuestActionResult result)
    {
        var took = Duration(Install.Elapsed(Time.GetUtcNow()));
        if (Install.Interrupted)
        {
            return $"Install Hyper-V was interrupted after {took}: the dashboard stopped while it ran.";
        }

        return result.Outcome switch
        {
            OperationOutcome.Succeeded => $"Hyper-V installed in VM '{Install.VmName}' in {took}.",
            OperationOutcome.StillRunning => $"Installing Hyper-V outlasted its time limit after {took} and was left to finish in the guest.",
            OperationOutcome.Canceled => $"Stopped waiting after {took}.",
            OperationOutcome.Refused => "Install Hyper-V was refused.",
            _ => $"Install Hyper-V failed after {took}.",
        };
    }

    private static Severity SeverityOf(OperationOutcome outcome) => outcome switch
    {
        OperationOutcome.Succeeded => Severity.Success,
        OperationOutcome.Canceled or OperationOutcome.StillRunning => Severity.Info,
        OperationOutcome.Refused => Severity.Warning,
        _ => Severity.Error,
    };

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(_watched, Install))
        {
            return;
        }

        if (_watched is not null)
        {
            _watched.Changed -= OnChanged;
        }

        _watched = Install;
        Install.Changed += OnChanged;
        if (Install.IsRunning && RendererInfo.IsInteractive)
        {
            _ = TickAsync(Install);
        }
    }

    private void OnChanged() => _ = InvokeAsync(StateHasChanged);

    // The elapsed time moves each second while the install runs.
    private async Task TickAsync(GuestInstall install)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), Time);
        try
        {
            while (install.IsRunning && ReferenceEquals(install, _watched) && await timer.WaitForNextTickAsync(_stop.Token))
            {
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
            // The component went away.
        }
    }

    public void Dispose()
    {
        if (_watched is not null)
        {
            _watched.Changed -= OnChanged;
        }

        _stop.Cancel();
        _stop.Dispose();
    }
}
