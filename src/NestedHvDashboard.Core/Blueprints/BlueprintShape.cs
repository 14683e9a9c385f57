using System.Globalization;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Blueprints;

/// <summary>
/// Checks a blueprint's shape, before any host is asked: names valid and unique (L1s per host, L2s per L1), processors and
/// memory in range (the new-VM limits), the NAT prefix, gateway and DNS server valid (the NAT validator's rules), L2 addresses
/// inside the prefix, not the gateway and unique. What depends on the hosts (switches, free memory, processors) is the review's.
/// </summary>
public static class BlueprintShape
{
    /// <summary>Longest blueprint name accepted.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Most virtual processors Hyper-V gives a generation 2 VM.</summary>
    public const int MaxProcessorCount = 240;

    /// <summary>Least memory Hyper-V starts a VM with (32 MB).</summary>
    public const long MinimumL2MemoryBytes = 32L * 1024 * 1024;

    /// <summary>Most memory Hyper-V gives a generation 2 VM (12 TB, Windows Server 2019 and later).</summary>
    public const long MaxMemoryBytes = 12L << 40;

    /// <summary>Every problem with <paramref name="blueprint"/>'s shape; empty when it may be reviewed against the hosts.</summary>
    public static IReadOnlyList<BlueprintProblem> Validate(Blueprint blueprint)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        var problems = new List<BlueprintProblem>();
        if (BlueprintNameProblem(blueprint.Name) is { } nameProblem)
        {
            problems.Add(new("name", nameProblem));
        }

        if (blueprint.ConnectivityProbe is { } probe && (probe.Trim().Length == 0 || probe.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            problems.Add(new("connectivityProbe", $"'{probe}' is not a host name or address: write a name such as lab-dc.contoso.test, or leave it out."));
        }

        if (blueprint.L1s.Count == 0)
        {
            problems.Add(new("l1s", "A blueprint needs at least one L1 VM."));
        }

        var externalAddresses = new Dictionary<uint, string>();
        for (var i = 0; i < blueprint.L1s.Count; i++)
        {
            var l1 = blueprint.L1s[i];
            var path = At("l1s", i);
            var twin = blueprint.L1s.Take(i).Select((other, j) => (other, j)).FirstOrDefault(p => Same(p.other.Name, l1.Name) && Same(p.other.Host, l1.Host));
            if (twin.other is not null)
            {
                problems.Add(new($"{path}.name", $"Host '{l1.Host}' already gets an L1 named '{twin.other.Name}' ({At("l1s", twin.j)}); VM names must be unique on a host."));
            }

            ValidateL1(l1, path, problems, externalAddresses);
        }

        return problems;
    }

    /// <summary>Why <paramref name="name"/> cannot name a blueprint, or null.</summary>
    public static string? BlueprintNameProblem(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "The blueprint needs a name.";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"The name is {trimmed.Length} characters long; at most {MaxNameLength} fit.";
        }

        var bad = trimmed.Where(c => !(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ' ')).Distinct().ToList();
        return bad.Count > 0 ? $"The name '{trimmed}' contains {string.Join(" ", bad.Select(c => $"'{c}'"))}; use letters, digits, '-', '_', '.' and spaces." : null;
    }

    private static void ValidateL1(BlueprintL1 l1, string path, List<BlueprintProblem> problems, Dictionary<uint, string> externalAddresses)
    {
        VmName(l1.Name, $"{path}.name", problems);
        if (string.IsNullOrWhiteSpace(l1.Host))
        {
            problems.Add(new($"{path}.host", "Name the host (as in the dashboard's host list) that runs this L1."));
        }

        if (l1.ProcessorCount is < 2 or > MaxProcessorCount)
        {
            problems.Add(new($"{path}.processorCount", $"An L1 needs 2 to {MaxProcessorCount} virtual processors (it runs Hyper-V); {l1.ProcessorCount} was written."));
        }

        Memory(l1.MemoryStartupBytes, NewVmPlan.MinimumMemoryBytes, $"{path}.memory", "an L1 runs Hyper-V and needs at least", problems);
        if (l1.ConfigurationVersion is { } version && !Readiness.ConfigVersion.TryParse(version, out _))
        {
            problems.Add(new($"{path}.configurationVersion", $"'{version}' is not a configuration version: write it as Get-VMHostSupportedVersion shows it, such as 9.0 or 10.0, or leave it out for the host's default."));
        }

        ImagePath(l1.OsImagePath, $"{path}.osImagePath", "on the host", problems);
        SwitchName(l1.SwitchName, $"{path}.switchName", problems);
        var prefix = ValidateNetwork(l1.Network, $"{path}.network", problems);

        var l2Memory = 0L;
        var addresses = new Dictionary<uint, string>();
        for (var j = 0; j < l1.L2s.Count; j++)
        {
            var l2 = l1.L2s[j];
            var l2Path = $"{path}.{At("l2s", j)}";
            var twin = l1.L2s.Take(j).Select((other, k) => (other, k)).FirstOrDefault(p => Same(p.other.Name, l2.Name));
            if (twin.other is not null)
            {
                problems.Add(new($"{l2Path}.name", $"L1 '{l1.Name}' already gets an L2 named '{twin.other.Name}' ({path}.{At("l2s", twin.k)}); VM names must be unique inside an L1."));
            }

            VmName(l2.Name, $"{l2Path}.name", problems);
            if (l2.ProcessorCount < 1 || l2.ProcessorCount > l1.ProcessorCount)
            {
                problems.Add(new($"{l2Path}.processorCount", $"An L2 needs 1 to {Math.Max(l1.ProcessorCount, 1)} virtual processors (its L1's count); {l2.ProcessorCount} was written."));
            }

            Memory(l2.MemoryStartupBytes, MinimumL2MemoryBytes, $"{l2Path}.memory", "Hyper-V starts a VM with at least", problems);
            l2Memory += Math.Max(l2.MemoryStartupBytes, 0);
            ImagePath(l2.OsImagePath, $"{l2Path}.osImagePath", $"inside L1 '{l1.Name}'", problems);
            BlueprintAddresses.Validate(l1, l2, prefix, l2Path, problems, addresses, externalAddresses);
        }

        if (l1.L2s.Count > 0 && l2Memory >= l1.MemoryStartupBytes)
        {
            problems.Add(new($"{path}.l2s", $"The L2 VMs' memory adds up to {BlueprintMemory.Describe(l2Memory)}, as much as or more than their L1 has ({BlueprintMemory.Describe(l1.MemoryStartupBytes)}); the L1 needs memory of its own: give it more or the L2s less."));
        }
    }

    private static Ipv4Prefix? ValidateNetwork(BlueprintNetwork network, string path, List<BlueprintProblem> problems)
    {
        if (network.Kind == BlueprintNetworking.ExternalSwitch)
        {
            SwitchName(network.SwitchName, $"{path}.switchName", problems);
            if (network.NatPrefix is not null)
            {
                problems.Add(new($"{path}.natPrefix", "The external-switch option has no NAT prefix: the L2 VMs are on the physical network. Remove natPrefix, or use kind: nat."));
            }

            Address(network.Gateway, $"{path}.gateway", "The gateway", problems);
            Address(network.DnsServer, $"{path}.dnsServer", "The DNS server", problems);
            return null;
        }

        if (network.NatPrefix is null)
        {
            problems.Add(new($"{path}.natPrefix", "The NAT option needs the internal prefix, such as 192.168.100.0/24."));
        }

        if (network.Gateway is null)
        {
            problems.Add(new($"{path}.gateway", "The NAT option needs the gateway: the L1's address on the internal switch, such as 192.168.100.1."));
        }

        var request = new NatNetworkRequest(network.NatPrefix ?? "", network.Gateway ?? "", network.DnsServer, network.SwitchName);
        foreach (var problem in NatNetworkValidator.Validate(request, GuestNetworkState.Empty))
        {
            var (field, missing) = problem.Field switch
            {
                NatNetworkField.Prefix => ("natPrefix", network.NatPrefix is null),
                NatNetworkField.Gateway => ("gateway", network.Gateway is null),
                NatNetworkField.DnsServer => ("dnsServer", false),
                NatNetworkField.SwitchName => ("switchName", false),
                _ => ("", true),
            };
            if (!missing)
            {
                problems.Add(new($"{path}.{field}", problem.Message));
            }
        }

        return Ipv4Prefix.TryParse(network.NatPrefix, out var prefix, out _) && prefix.Length is > 0 and <= 30 ? prefix : null;
    }

    private static void VmName(string name, string path, List<BlueprintProblem> problems)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            problems.Add(new(path, "The VM name is required."));
        }
        else if (trimmed.Length > NewVmPlan.MaxNameLength)
        {
            problems.Add(new(path, $"The VM name is {trimmed.Length} characters long; Hyper-V allows {NewVmPlan.MaxNameLength}."));
        }
        else if (trimmed.Any(char.IsControl))
        {
            problems.Add(new(path, "The VM name contains control characters."));
        }
    }

    private static void Memory(long bytes, long minimum, string path, string why, List<BlueprintProblem> problems)
    {
        if (bytes < minimum)
        {
            problems.Add(new(path, $"The memory is {BlueprintMemory.Describe(bytes)}; {why} {BlueprintMemory.Describe(minimum)}."));
        }
        else if (bytes > MaxMemoryBytes)
        {
            problems.Add(new(path, $"The memory is {BlueprintMemory.Describe(bytes)}; Hyper-V gives a VM at most 12 TB."));
        }
        else if (bytes % NewVmPlan.MemoryGranularityBytes != 0)
        {
            problems.Add(new(path, $"The memory ({bytes.ToString(CultureInfo.InvariantCulture)} bytes) must be a multiple of 2 MB, as Hyper-V requires."));
        }
    }

    private static void ImagePath(string? path, string at, string where, List<BlueprintProblem> problems)
    {
        if (path is null)
        {
            return;
        }

        if (path.Trim().Length == 0 || path.Any(char.IsControl)
            || !(path.EndsWith(".vhdx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".vhd", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add(new(at, $"'{path}' is not a virtual disk: write the full path of a .vhdx (or .vhd) {where}, such as C:\\Images\\ws2022.vhdx, or leave it out for an empty VM."));
        }
    }

    private static void SwitchName(string name, string path, List<BlueprintProblem> problems)
    {
        // The NAT validator's switch-name rules, asked with a request whose other fields are valid.
        foreach (var problem in NatNetworkValidator.Validate(new NatNetworkRequest("192.168.0.0/24", "192.168.0.1", null, name), GuestNetworkState.Empty))
        {
            if (problem.Field == NatNetworkField.SwitchName)
            {
                problems.Add(new(path, problem.Message));
            }
        }
    }

    /// <summary>Adds a problem when <paramref name="text"/> is written and is not an IPv4 address.</summary>
    internal static Ipv4Address? Address(string? text, string path, string what, List<BlueprintProblem> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (Ipv4Address.TryParse(text, out var address, out var error))
        {
            return address;
        }

        problems.Add(new(path, $"{what} {error}."));
        return null;
    }

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string At(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");
}
