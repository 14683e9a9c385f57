using System.Globalization;

namespace NestedHvDashboard.Core.Hosts;

/// <summary>
/// A Windows release family, as nested virtualization's prerequisites name them. Semi-annual
/// server builds count as the long-term release they follow (e.g. build 18362 is Windows Server 2019).
/// </summary>
public enum WindowsProduct
{
    /// <summary>Not enough information to tell.</summary>
    Unknown,

    /// <summary>Anything before Windows 10 / Windows Server 2016 (e.g. 6.3.9600).</summary>
    Older,
    WindowsServer2016,
    WindowsServer2019,
    WindowsServer2022,
    WindowsServer2025,
    Windows10,
    Windows11,
}

/// <summary>Tells which Windows release a build number (and edition) is.</summary>
public static class WindowsRelease
{
    public const int WindowsServer2016Build = 14393;
    public const int WindowsServer2019Build = 17763;
    public const int WindowsServer2022Build = 20348;
    public const int WindowsServer2025Build = 26100;
    public const int Windows10Build = 10240;
    public const int Windows11Build = 22000;

    /// <summary>The host's release, from its build (or, when the build is missing, its OS version).</summary>
    public static WindowsProduct From(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var version = TryParseOsVersion(host.OsVersion);
        if (version is { Major: > 0 and < 10 })
        {
            return WindowsProduct.Older;
        }

        return From(BuildOf(host), host.IsServer);
    }

    /// <summary>The host's build: OsBuild, or the third part of OsVersion when OsBuild is missing; 0 when neither says.</summary>
    public static int BuildOf(HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.OsBuild > 0 ? host.OsBuild : Math.Max(TryParseOsVersion(host.OsVersion)?.Build ?? 0, 0);
    }

    /// <summary>The release for a Windows NT 10.0-or-older build number; Unknown when the build is not positive.</summary>
    public static WindowsProduct From(int build, bool isServer)
    {
        if (build <= 0)
        {
            return WindowsProduct.Unknown;
        }

        if (isServer)
        {
            return build switch
            {
                >= WindowsServer2025Build => WindowsProduct.WindowsServer2025,
                >= WindowsServer2022Build => WindowsProduct.WindowsServer2022,
                >= WindowsServer2019Build => WindowsProduct.WindowsServer2019,
                >= WindowsServer2016Build => WindowsProduct.WindowsServer2016,
                _ => WindowsProduct.Older,
            };
        }

        return build switch
        {
            >= Windows11Build => WindowsProduct.Windows11,
            >= Windows10Build => WindowsProduct.Windows10,
            _ => WindowsProduct.Older,
        };
    }

    /// <summary>
    /// A guest's release from what its integration services report over KVP: the build from
    /// <paramref name="osVersion"/> ("10.0.17763") when available, else the name
    /// ("Windows Server 2019 Datacenter"). Unknown when the guest reports neither, or is not Windows.
    /// </summary>
    public static WindowsProduct FromGuest(string? osName, string? osVersion)
    {
        var hasName = !string.IsNullOrWhiteSpace(osName);
        if (hasName && !osName!.Contains("Windows", StringComparison.OrdinalIgnoreCase))
        {
            return WindowsProduct.Unknown;
        }

        bool? isServer = hasName ? osName!.Contains("Server", StringComparison.OrdinalIgnoreCase) : null;
        var version = TryParseOsVersion(osVersion);
        if (version is { Major: > 0 and < 10 })
        {
            return WindowsProduct.Older;
        }

        if (version is { Major: 10, Build: > 0 })
        {
            if (isServer is bool server)
            {
                return From(version.Build, server);
            }

            // Without the edition, a build below both families' first release is still "older".
            return version.Build < Windows10Build ? WindowsProduct.Older : WindowsProduct.Unknown;
        }

        return hasName ? FromName(osName!) : WindowsProduct.Unknown;
    }

    /// <summary>The release's name in the user's words, e.g. "Windows Server 2019".</summary>
    public static string DisplayName(this WindowsProduct product) => product switch
    {
        WindowsProduct.Older => "a Windows release older than Windows 10 / Windows Server 2016",
        WindowsProduct.WindowsServer2016 => "Windows Server 2016",
        WindowsProduct.WindowsServer2019 => "Windows Server 2019",
        WindowsProduct.WindowsServer2022 => "Windows Server 2022",
        WindowsProduct.WindowsServer2025 => "Windows Server 2025",
        WindowsProduct.Windows10 => "Windows 10",
        WindowsProduct.Windows11 => "Windows 11",
        _ => "an unknown Windows release",
    };

    private static WindowsProduct FromName(string name)
    {
        (string Marker, WindowsProduct Product)[] markers =
        [
            ("Server 2025", WindowsProduct.WindowsServer2025),
            ("Server 2022", WindowsProduct.WindowsServer2022),
            ("Server 2019", WindowsProduct.WindowsServer2019),
            ("Server 2016", WindowsProduct.WindowsServer2016),
            ("Server 2012", WindowsProduct.Older),
            ("Server 2008", WindowsProduct.Older),
            ("Windows 11", WindowsProduct.Windows11),
            ("Windows 10", WindowsProduct.Windows10),
            ("Windows 8", WindowsProduct.Older),
            ("Windows 7", WindowsProduct.Older),
        ];
        foreach (var (marker, product) in markers)
        {
            if (name.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return product;
            }
        }

        return WindowsProduct.Unknown;
    }

    private static Version? TryParseOsVersion(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // KVP and WMI give "10.0.17763"; some guests add a revision ("10.0.17763.1234").
        var parts = text.Trim().Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        var numbers = new int[Math.Min(parts.Length, 3)];
        for (var i = 0; i < numbers.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return numbers.Length == 3 ? new Version(numbers[0], numbers[1], numbers[2]) : new Version(numbers[0], numbers[1]);
    }
}
