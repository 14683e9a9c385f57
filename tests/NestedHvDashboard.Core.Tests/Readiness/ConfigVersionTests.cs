using NestedHvDashboard.Core.Readiness;

namespace NestedHvDashboard.Core.Tests.Readiness;

public class ConfigVersionTests
{
    [Theory]
    [InlineData("9.0", 9, 0)]
    [InlineData(" 12.0 ", 12, 0)]
    [InlineData("9.3.0", 9, 3)]
    [InlineData("8.0.0.0", 8, 0)]
    public void Parses_major_and_minor(string text, int major, int minor)
    {
        Assert.Equal(new Version(major, minor), ConfigVersion.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nine")]
    [InlineData("9")]
    public void Rejects_what_is_not_a_version(string text)
    {
        Assert.False(ConfigVersion.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ConfigVersion.Parse(text));
    }

    [Theory]
    [InlineData("9.3", "9.3", true)]
    [InlineData("9.3.0", "9.3", true)]
    [InlineData("9.2", "9.3", false)]
    [InlineData("10.0", "9.3", true)]
    public void Compares_by_major_and_minor(string version, string minimum, bool expected)
    {
        Assert.Equal(expected, ConfigVersion.IsAtLeast(Version.Parse(version), Version.Parse(minimum)));
    }

    [Fact]
    public void Formats_as_major_dot_minor()
    {
        Assert.Equal("9.3", ConfigVersion.Format(new Version(9, 3, 0, 0)));
    }
}
