namespace NestedHvDashboard.Simulator.State;

/// <summary>One OS image: a sysprepped .vhdx a lab keeps to make VMs from (a differencing disk per VM).</summary>
/// <param name="Path">Where it lies on every simulated host (and inside every Windows Server guest made from one).</param>
/// <param name="OsName">The Windows edition a VM booted from it reports (its guest's KVP OS name).</param>
/// <param name="OsVersion">Its version, e.g. 10.0.20348.</param>
public sealed record SimulatedImage(string Path, string OsName, string OsVersion);

/// <summary>A virtual hard disk New-VHD made on a simulated host: its path and, for a differencing disk, its parent.</summary>
public sealed class SimulatedDisk
{
    public string Path { get; set; } = "";

    /// <summary>The parent disk or image of a differencing disk; null for a dynamic or fixed disk.</summary>
    public string? ParentPath { get; set; }

    /// <summary>The disk's maximum size in bytes (a differencing disk takes its parent's).</summary>
    public ulong SizeBytes { get; set; }
}

/// <summary>
/// The OS images every simulated host has under <c>C:\Images</c> (and every Windows Server guest made from one, so L2 VMs can be
/// made inside an L1 the same way). A VM whose disk is a differencing disk of one of them boots that Windows: it gets a guest
/// that answers PowerShell Direct with the lab's administrator account (<c>Administrator</c> / <c>NestedLab-2025!</c>, see
/// <see cref="Scenarios.LabScenarios.GuestAdministratorPassword"/>) and can install Hyper-V.
/// </summary>
public static class SimulatedImages
{
    /// <summary>The folder the images lie in.</summary>
    public const string Folder = @"C:\Images";

    /// <summary>Windows Server 2022 Datacenter.</summary>
    public const string WindowsServer2022 = @"C:\Images\WindowsServer2022.vhdx";

    /// <summary>Windows Server 2025 Datacenter.</summary>
    public const string WindowsServer2025 = @"C:\Images\WindowsServer2025.vhdx";

    /// <summary>Windows Server 2019 Datacenter.</summary>
    public const string WindowsServer2019 = @"C:\Images\WindowsServer2019.vhdx";

    /// <summary>A generation 2 image's virtual size: 127 GB, Hyper-V's default.</summary>
    public const ulong ImageSizeBytes = 127UL * 1024 * 1024 * 1024;

    /// <summary>Every image, by path.</summary>
    public static IReadOnlyList<SimulatedImage> All { get; } =
    [
        new(WindowsServer2022, "Windows Server 2022 Datacenter", "10.0.20348"),
        new(WindowsServer2025, "Windows Server 2025 Datacenter", "10.0.26100"),
        new(WindowsServer2019, "Windows Server 2019 Datacenter", "10.0.17763"),
    ];

    /// <summary>The image at <paramref name="path"/> (case-insensitive, as Windows paths are), or null.</summary>
    public static SimulatedImage? Find(string? path) =>
        path is null ? null : All.FirstOrDefault(i => string.Equals(i.Path, path.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The image at the root of <paramref name="path"/>'s differencing chain on <paramref name="host"/> (or the image itself), or null. Call under the host's lock.</summary>
    public static SimulatedImage? RootOf(SimulatedHost host, string? path)
    {
        ArgumentNullException.ThrowIfNull(host);
        for (var depth = 0; path is not null && depth < 64; depth++)
        {
            if (Find(path) is { } image)
            {
                return image;
            }

            path = host.Disks.Find(d => string.Equals(d.Path, path, StringComparison.OrdinalIgnoreCase))?.ParentPath;
        }

        return null;
    }

    /// <summary>True when <paramref name="path"/> is an image or a disk of <paramref name="host"/>. Call under the host's lock.</summary>
    public static bool Exists(SimulatedHost host, string path)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Find(path) is not null || host.Disks.Exists(d => string.Equals(d.Path, path, StringComparison.OrdinalIgnoreCase));
    }
}
