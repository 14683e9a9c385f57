using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

public sealed class WallLinkTokenRedactionTests
{
    [Theory]
    [InlineData("/wall/link/Kt06tvTRZul-2CEv8uYfmCyV2eoBHLOFuiTXm9vsYhw", "/wall/link/Kt06tvTR…")]
    [InlineData("GET http://h:5000/wall/link/abc_DEF-12345678xyz?x=1 done", "GET http://h:5000/wall/link/abc_DEF-…?x=1 done")]
    [InlineData("/wall?tag=lab", "/wall?tag=lab")]
    public void Only_the_first_eight_characters_of_a_token_stay(string text, string expected) =>
        Assert.Equal(expected, WallLinkTokenRedaction.Redact(text));
}
