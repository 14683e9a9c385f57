using System.Globalization;
using NestedHvDashboard.PowerShell.Tests.Ssh;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// Where a listing's CPU goes on this box, by kind of process: this one (the dashboard's side: PowerShell's client,
/// deserializing, mapping), its ssh clients (PowerShell's SSH transport runs one <c>ssh</c> per connection), the delaying
/// relay, and the hosts (each sshd with its pwsh). All share the same cores, so this says which side a listing is
/// waiting on when hosts run in parallel.
/// </summary>
internal sealed class ListingCpu(int relayPid, IReadOnlyList<SshTestHost> hosts)
{
    public CpuByKind Read()
    {
        var self = Environment.ProcessId;
        var relayTree = new HashSet<int>([relayPid, .. ProcessTable.DescendantsOf(relayPid)]);
        var hostTrees = hosts.SelectMany(h => h.ProcessTree()).ToHashSet();
        // The sshd hosts were started by this process too: its other descendants are the ssh clients.
        var clients = ProcessTable.DescendantsOf(self).Where(p => !relayTree.Contains(p) && !hostTrees.Contains(p));
        return new CpuByKind(Sum([self]), Sum(clients), Sum(relayTree), Sum(hostTrees), BoxSeconds());
    }

    /// <summary>CPU seconds every process of the box used so far (the first line of /proc/stat, in USER_HZ ticks, idle and iowait left out).</summary>
    private static double BoxSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var busy = fields.Skip(1).Select((f, i) => i is 3 or 4 ? 0 : long.Parse(f, CultureInfo.InvariantCulture)).Sum();
        return busy / 100.0;
    }

    private static double Sum(IEnumerable<int> pids)
    {
        var seconds = 0.0;
        foreach (var pid in pids)
        {
            try
            {
                seconds += ProcessMeter.CpuSeconds(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked: its time is gone with it.
            }
        }

        return seconds;
    }
}

/// <summary>CPU seconds by kind of process.</summary>
internal sealed record CpuByKind(double Dashboard, double SshClients, double Relay, double Hosts, double Box)
{
    public static CpuByKind operator -(CpuByKind a, CpuByKind b) =>
        new(a.Dashboard - b.Dashboard, a.SshClients - b.SshClients, a.Relay - b.Relay, a.Hosts - b.Hosts, a.Box - b.Box);

    public string PerRun(int runs) => string.Create(
        CultureInfo.InvariantCulture,
        $"dashboard {Dashboard * 1000 / runs:0}, ssh clients {SshClients * 1000 / runs:0}, relay {Relay * 1000 / runs:0}, hosts {Hosts * 1000 / runs:0}; whole box {Box * 1000 / runs:0}");
}
