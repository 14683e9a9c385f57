using System.Globalization;
using Microsoft.AspNetCore.Components;
using NestedHvDashboard.Core.Guests;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Web.Guests;

/// <summary>The guest facts of one VM from <see cref="GuestFactsStore"/>, re-rendered whenever that VM's facts change.</summary>
public sealed partial class GuestFactsCard : IDisposable
{
    /// <summary>The card's element id (readiness fixes link to it).</summary>
    public const string CardId = "guest-facts";

    private GuestFacts? _facts;
    private bool _listening;

    [Inject]
    public required GuestFactsStore Store { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    // A Windows L1 guest can be read; a VM whose guest was read keeps showing what was found.
    private bool Shown => _facts is not null ||
        (Vm.ExposeVirtualizationExtensions && Vm.GuestOsName?.Contains("Windows", StringComparison.OrdinalIgnoreCase) == true);

    protected override void OnParametersSet()
    {
        _facts = Store.Find(Host, Vm.Id);
        if (!_listening)
        {
            Store.Changed += OnChanged;
            _listening = true;
        }
    }

    private void OnChanged(string host, Guid vmId)
    {
        if (vmId == Vm.Id && string.Equals(host, Host, StringComparison.OrdinalIgnoreCase))
        {
            _ = InvokeAsync(() =>
            {
                _facts = Store.Find(Host, Vm.Id);
                StateHasChanged();
            });
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_listening)
        {
            Store.Changed -= OnChanged;
        }
    }

    private string ReadAtText(GuestFacts facts)
    {
        var ago = Time.GetUtcNow() - facts.ReadAt;
        var relative = ago < TimeSpan.FromMinutes(1) ? "just now"
            : ago < TimeSpan.FromHours(1) ? $"{(int)ago.TotalMinutes} min ago"
            : ago < TimeSpan.FromDays(1) ? $"{(int)ago.TotalHours} h ago"
            : $"{(int)ago.TotalDays} d ago";
        return $"{facts.ReadAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC ({relative})";
    }

    internal static string HyperVText(GuestFacts facts) => (facts.HyperV, facts.HyperVRunning) switch
    {
        (GuestHyperVState.Installed, true) => "Installed, the hypervisor starts at boot",
        (GuestHyperVState.Installed, false) => "Installed, but the hypervisor does not start (see hypervisorlaunchtype)",
        (GuestHyperVState.Installed, null) => "Installed (whether the hypervisor starts is not known)",
        (GuestHyperVState.RestartPending, _) => "Installed, waiting for the guest to restart",
        (GuestHyperVState.NotInstalled, _) => "Not installed",
        _ => "not reported",
    };

    internal static string StateText(GuestSecurityState state) => state switch
    {
        GuestSecurityState.Running => "Running",
        GuestSecurityState.Configured => "Enabled, not running",
        GuestSecurityState.Off => "Off",
        _ => "not known (Win32_DeviceGuard did not answer)",
    };

    internal static string LaunchTypeText(HypervisorLaunchType type) => type switch
    {
        HypervisorLaunchType.Auto => "Auto",
        HypervisorLaunchType.Off => "Off: Hyper-V cannot run in the guest",
        HypervisorLaunchType.NotSet => "not set (Hyper-V not installed)",
        _ => "not known (bcdedit needs an elevated administrator in the guest)",
    };
}
