using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Web.Guests;

/// <summary>
/// Reads again, slowly and boundedly, the guests whose credential an Administrator chose to remember: every
/// <see cref="GuestFactsOptions.RefreshInterval"/>, the running Windows VMs with nested virtualization on, at most
/// <see cref="GuestFactsOptions.MaxGuestsPerRound"/> per round, one at a time, least recently read first. It never asks for a
/// credential; a guest that refuses the remembered one has it forgotten, as any read does.
/// </summary>
public sealed class GuestFactsRefresher(
    IInventoryFeed feed, GuestSetup guest, GuestCredentialStore credentials, GuestFactsStore facts, IOptions<GuestFactsOptions> options, TimeProvider time, ILogger<GuestFactsRefresher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RefreshInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stoppingToken);
                try
                {
                    await RefreshOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Refreshing guest facts failed; the next round tries again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app stops.
        }
    }

    /// <summary>One round: reads the due guests that have a remembered credential; returns how many answered.</summary>
    public async Task<int> RefreshOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var due = feed.GetSnapshot().Hosts
            .SelectMany(h => h.Vms.Where(Readable).Select(vm => (Host: h.Name, Vm: vm)))
            .Where(c => facts.Find(c.Host, c.Vm.Id) is not { } known || now - known.ReadAt >= options.Value.RefreshInterval / 2)
            .OrderBy(c => facts.Find(c.Host, c.Vm.Id)?.ReadAt ?? DateTimeOffset.MinValue)
            .ToList();
        var read = 0;
        var tried = 0;
        foreach (var (host, vm) in due)
        {
            if (tried >= options.Value.MaxGuestsPerRound)
            {
                break;
            }

            if (!await credentials.IsRememberedAsync(host, vm.Id, cancellationToken))
            {
                continue;
            }

            tried++;
            var result = await guest.ReadStateAsync(Actor.System, host, vm, null, _ => Task.FromResult<GuestCredentialAnswer?>(null), cancellationToken);
            if (result.Outcome is OperationOutcome.Succeeded)
            {
                read++;
            }
            else
            {
                logger.LogInformation("Background read of the guest of VM {Vm} on host {Host}: {Message} {HostMessage}", vm.Name, host, result.Message, result.HostMessage);
            }
        }

        return read;
    }

    // PowerShell Direct reaches running Windows guests; only L1 guests (nested on) have facts the readiness rules use.
    private static bool Readable(VmSnapshot vm) =>
        vm.State == VmState.Running && vm.ExposeVirtualizationExtensions && vm.GuestOsName?.Contains("Windows", StringComparison.OrdinalIgnoreCase) == true;
}
