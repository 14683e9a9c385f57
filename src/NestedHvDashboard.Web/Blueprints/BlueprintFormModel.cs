using NestedHvDashboard.Core.Blueprints;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// A blueprint as the form edits it: rows a user adds, removes and types into, with memory in GB. Built from a
/// <see cref="Blueprint"/> and turned back into one, so the form, the YAML and the JSON views show the same lab.
/// </summary>
public sealed class BlueprintFormModel
{
    private const double Gigabyte = 1L << 30;

    /// <summary>The blueprint's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>What the lab is for.</summary>
    public string? Description { get; set; }

    /// <summary>The name every L2 resolves in "Test connectivity", or empty.</summary>
    public string? ConnectivityProbe { get; set; }

    /// <summary>The L1 rows, in creation order.</summary>
    public List<L1Row> L1s { get; } = [];

    /// <summary>The form of <paramref name="blueprint"/>.</summary>
    public static BlueprintFormModel From(Blueprint blueprint)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        var model = new BlueprintFormModel { Name = blueprint.Name, Description = blueprint.Description, ConnectivityProbe = blueprint.ConnectivityProbe };
        foreach (var l1 in blueprint.L1s)
        {
            var row = new L1Row
            {
                Name = l1.Name,
                Host = l1.Host,
                ProcessorCount = l1.ProcessorCount,
                MemoryGb = l1.MemoryStartupBytes / Gigabyte,
                ConfigurationVersion = l1.ConfigurationVersion,
                OsImagePath = l1.OsImagePath,
                SwitchName = l1.SwitchName,
                Networking = l1.Network.Kind,
                InnerSwitchName = l1.Network.SwitchName,
                NatPrefix = l1.Network.NatPrefix,
                Gateway = l1.Network.Gateway,
                DnsServer = l1.Network.DnsServer,
            };
            row.L2s.AddRange(l1.L2s.Select(l2 => new L2Row
            {
                Name = l2.Name,
                ProcessorCount = l2.ProcessorCount,
                MemoryGb = l2.MemoryStartupBytes / Gigabyte,
                OsImagePath = l2.OsImagePath,
                IpAddress = l2.IpAddress,
                PrefixLength = l2.PrefixLength,
            }));
            model.L1s.Add(row);
        }

        return model;
    }

    /// <summary>The blueprint the form describes now (empty fields are null, as the text views leave them out).</summary>
    public Blueprint ToBlueprint() => new(
        Name.Trim(),
        Blank(Description),
        [.. L1s.Select(l1 => new BlueprintL1(
            l1.Name.Trim(),
            l1.Host.Trim(),
            l1.ProcessorCount,
            Bytes(l1.MemoryGb),
            Blank(l1.ConfigurationVersion),
            Blank(l1.OsImagePath),
            l1.SwitchName.Trim(),
            new BlueprintNetwork(l1.Networking, l1.InnerSwitchName.Trim(), l1.Networking == BlueprintNetworking.Nat ? Blank(l1.NatPrefix) : null, Blank(l1.Gateway), Blank(l1.DnsServer)),
            [.. l1.L2s.Select(l2 => new BlueprintL2(l2.Name.Trim(), l2.ProcessorCount, Bytes(l2.MemoryGb), Blank(l2.OsImagePath), Blank(l2.IpAddress), l2.PrefixLength))]))],
        Blank(ConnectivityProbe));

    /// <summary>Adds an L1 row with the defaults a nested lab needs (4 vCPUs, 8 GB, NAT), named after the rows before it.</summary>
    public L1Row AddL1(string? host)
    {
        var number = L1s.Count + 1;
        var row = new L1Row
        {
            Name = $"l1-{number:00}",
            Host = host ?? "",
            InnerSwitchName = "NestedNAT",
            NatPrefix = $"192.168.{100 + number}.0/24",
            Gateway = $"192.168.{100 + number}.1",
        };
        L1s.Add(row);
        return row;
    }

    private static long Bytes(double gigabytes) => (long)Math.Round(gigabytes * Gigabyte);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>One L1 VM in the form.</summary>
    public sealed class L1Row
    {
        /// <summary>The VM's name.</summary>
        public string Name { get; set; } = "";

        /// <summary>The host (from the host list) that runs it.</summary>
        public string Host { get; set; } = "";

        /// <summary>Virtual processors.</summary>
        public int ProcessorCount { get; set; } = 4;

        /// <summary>Static memory in GB.</summary>
        public double MemoryGb { get; set; } = 8;

        /// <summary>The configuration version, or empty for the host's default.</summary>
        public string? ConfigurationVersion { get; set; }

        /// <summary>The .vhdx the VM boots from, or empty.</summary>
        public string? OsImagePath { get; set; }

        /// <summary>The host's switch its adapter connects to.</summary>
        public string SwitchName { get; set; } = "Default Switch";

        /// <summary>NAT or external switch.</summary>
        public BlueprintNetworking Networking { get; set; } = BlueprintNetworking.Nat;

        /// <summary>The switch inside the L1.</summary>
        public string InnerSwitchName { get; set; } = "";

        /// <summary>NAT only: the internal prefix.</summary>
        public string? NatPrefix { get; set; }

        /// <summary>The L2 VMs' gateway.</summary>
        public string? Gateway { get; set; }

        /// <summary>The L2 VMs' DNS server.</summary>
        public string? DnsServer { get; set; }

        /// <summary>Its L2 VMs.</summary>
        public List<L2Row> L2s { get; } = [];

        /// <summary>Adds an L2 row named after the L1 (2 vCPUs, 2 GB, the next free address of the NAT prefix).</summary>
        public L2Row AddL2()
        {
            L2s.Add(new L2Row { Name = $"{Name}-l2-{L2s.Count + 1:00}" });
            return L2s[^1];
        }
    }

    /// <summary>One L2 VM in the form.</summary>
    public sealed class L2Row
    {
        /// <summary>Its name inside the L1.</summary>
        public string Name { get; set; } = "";

        /// <summary>Virtual processors.</summary>
        public int ProcessorCount { get; set; } = 2;

        /// <summary>Memory in GB.</summary>
        public double MemoryGb { get; set; } = 2;

        /// <summary>The .vhdx inside the L1, or empty.</summary>
        public string? OsImagePath { get; set; }

        /// <summary>Its static address, or empty for the next free one of the NAT prefix.</summary>
        public string? IpAddress { get; set; }

        /// <summary>The address's prefix length, or empty for the NAT prefix's.</summary>
        public int? PrefixLength { get; set; }
    }
}
