using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Core.Tests.Readiness;

public class WindowsReleaseTests
{
    [Theory]
    [InlineData(9600, true, WindowsProduct.Older)]
    [InlineData(9600, false, WindowsProduct.Older)]
    [InlineData(14392, true, WindowsProduct.Older)]
    [InlineData(14393, true, WindowsProduct.WindowsServer2016)]
    [InlineData(17134, true, WindowsProduct.WindowsServer2016)]
    [InlineData(17763, true, WindowsProduct.WindowsServer2019)]
    [InlineData(19042, true, WindowsProduct.WindowsServer2019)]
    [InlineData(20348, true, WindowsProduct.WindowsServer2022)]
    [InlineData(25398, true, WindowsProduct.WindowsServer2022)]
    [InlineData(26100, true, WindowsProduct.WindowsServer2025)]
    [InlineData(10239, false, WindowsProduct.Older)]
    [InlineData(10240, false, WindowsProduct.Windows10)]
    [InlineData(19045, false, WindowsProduct.Windows10)]
    [InlineData(22000, false, WindowsProduct.Windows11)]
    [InlineData(26100, false, WindowsProduct.Windows11)]
    [InlineData(0, true, WindowsProduct.Unknown)]
    public void From_build_and_edition(int build, bool isServer, WindowsProduct expected)
    {
        Assert.Equal(expected, WindowsRelease.From(build, isServer));
    }

    [Theory]
    [InlineData("6.3.9600", 9600, WindowsProduct.Older)]
    [InlineData("6.3.9600", 0, WindowsProduct.Older)]
    [InlineData("10.0.17763", 0, WindowsProduct.WindowsServer2019)]
    [InlineData("10.0.20348", 20348, WindowsProduct.WindowsServer2022)]
    [InlineData("", 0, WindowsProduct.Unknown)]
    [InlineData("garbage", 0, WindowsProduct.Unknown)]
    public void From_host_uses_build_then_version(string osVersion, int build, WindowsProduct expected)
    {
        Assert.Equal(expected, WindowsRelease.From(Lab.Host(osVersion: osVersion, build: build, isServer: true)));
    }

    [Theory]
    [InlineData("Windows Server 2019 Datacenter", "10.0.17763", WindowsProduct.WindowsServer2019)]
    [InlineData("Windows 10 Enterprise", "10.0.17763", WindowsProduct.Windows10)]
    [InlineData("Windows Server 2016 Standard", null, WindowsProduct.WindowsServer2016)]
    [InlineData("Windows Server 2012 R2 Standard", null, WindowsProduct.Older)]
    [InlineData("Windows 11 Pro", null, WindowsProduct.Windows11)]
    [InlineData(null, "10.0.17763", WindowsProduct.Unknown)]
    [InlineData(null, "6.3.9600", WindowsProduct.Older)]
    [InlineData("Ubuntu 24.04 LTS", "6.8.0-31-generic", WindowsProduct.Unknown)]
    [InlineData(null, null, WindowsProduct.Unknown)]
    [InlineData("Windows Server 2025 Datacenter", "10.0.26100.1742", WindowsProduct.WindowsServer2025)]
    public void From_guest_prefers_the_build_and_needs_the_edition(string? name, string? version, WindowsProduct expected)
    {
        Assert.Equal(expected, WindowsRelease.FromGuest(name, version));
    }

    [Fact]
    public void Display_name_is_in_the_users_words()
    {
        Assert.Equal("Windows Server 2019", WindowsProduct.WindowsServer2019.DisplayName());
        Assert.Equal("Windows 11", WindowsProduct.Windows11.DisplayName());
    }
}
