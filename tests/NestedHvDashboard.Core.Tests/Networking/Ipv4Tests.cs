using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Core.Tests.Networking;

public sealed class Ipv4Tests
{
    [Theory]
    [InlineData("192.168.0.1", "192.168.0.1")]
    [InlineData("  10.0.0.254 ", "10.0.0.254")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    public void Parses_dotted_quads(string text, string expected)
    {
        Assert.True(Ipv4Address.TryParse(text, out var address, out var error), error);
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("192.168.0", "not an IPv4 address")]
    [InlineData("192.168.0.1.5", "not an IPv4 address")]
    [InlineData("192.168.0.256", "more than 255")]
    [InlineData("192.168.00.1", "leading zero")]
    [InlineData("010.0.0.1", "leading zero")]
    [InlineData("192.168.0.-1", "not an IPv4 address")]
    [InlineData("192.168. 0.1", "not an IPv4 address")]
    [InlineData("192.168..1", "not an IPv4 address")]
    [InlineData("fe80::1", "not an IPv4 address")]
    [InlineData("1234.0.0.1", "not an IPv4 address")]
    [InlineData("a.b.c.d", "not an IPv4 address")]
    [InlineData("١٩٢.168.0.1", "not an IPv4 address")]
    public void Refuses_what_is_not_a_plain_ipv4_address(string? text, string reason)
    {
        Assert.False(Ipv4Address.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.168.0.0/24", "192.168.0.0", 24, "192.168.0.255")]
    [InlineData("10.0.0.0/8", "10.0.0.0", 8, "10.255.255.255")]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0, "255.255.255.255")]
    [InlineData("192.168.7.9/32", "192.168.7.9", 32, "192.168.7.9")]
    [InlineData("192.168.7.8/31", "192.168.7.8", 31, "192.168.7.9")]
    [InlineData(" 172.16.0.0/12 ", "172.16.0.0", 12, "172.31.255.255")]
    public void Parses_prefixes(string text, string network, int length, string broadcast)
    {
        Assert.True(Ipv4Prefix.TryParse(text, out var prefix, out var error), error);
        Assert.Equal(network, prefix.Network.ToString());
        Assert.Equal(length, prefix.Length);
        Assert.Equal(broadcast, prefix.Broadcast.ToString());
    }

    [Theory]
    [InlineData("192.168.0.1/24", "host bits set: the network address would be 192.168.0.0/24")]
    [InlineData("10.1.2.3/8", "the network address would be 10.0.0.0/8")]
    [InlineData("192.168.0.0/33", "prefix length 33")]
    [InlineData("192.168.0.0/", "not a prefix length")]
    [InlineData("192.168.0.0/024", "not a prefix length")]
    [InlineData("192.168.0.0/-1", "not a prefix length")]
    [InlineData("192.168.0.0/ 24", "not a prefix length")]
    [InlineData("192.168.0.0 /24", "whitespace")]
    [InlineData("192.168.0.0", "CIDR form")]
    [InlineData("192.168.0.0/24/24", "CIDR form")]
    [InlineData("192.168.000.0/24", "leading zero")]
    [InlineData("", "empty")]
    public void Refuses_bad_prefixes_saying_why(string text, string reason)
    {
        Assert.False(Ipv4Prefix.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlap_and_containment()
    {
        Assert.True(Ipv4Prefix.TryParse("192.168.0.0/16", out var wide, out _));
        Assert.True(Ipv4Prefix.TryParse("192.168.4.0/24", out var inside, out _));
        Assert.True(Ipv4Prefix.TryParse("192.169.0.0/24", out var outside, out _));
        Assert.True(wide.Overlaps(inside));
        Assert.True(inside.Overlaps(wide));
        Assert.False(wide.Overlaps(outside));
        Assert.True(Ipv4Address.TryParse("192.168.255.255", out var last, out _));
        Assert.True(wide.Contains(last));
        Assert.False(inside.Contains(last));
        Assert.Equal(65536UL, wide.Size);
        Assert.Equal("192.168.4.0/24", Ipv4Prefix.Of(new Ipv4Address(0xC0A80407), 24).ToString());
    }
}
