using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Core.Tests.Networking;

public sealed class GuestCredentialTests
{
    [Fact]
    public void ToString_shows_the_user_but_never_the_password()
    {
        var credential = new GuestCredential("Administrator", "NestedLab-2025!");

        var text = credential.ToString();
        var interpolated = $"{credential}";

        Assert.Contains("Administrator", text, StringComparison.Ordinal);
        Assert.DoesNotContain("NestedLab-2025!", text, StringComparison.Ordinal);
        Assert.DoesNotContain("NestedLab-2025!", interpolated, StringComparison.Ordinal);
        Assert.Equal("NestedLab-2025!", credential.Password);
    }
}
