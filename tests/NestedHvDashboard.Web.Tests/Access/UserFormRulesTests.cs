using Microsoft.AspNetCore.Identity;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>The users page's checks as typed say what Identity would refuse later, in one sentence.</summary>
public sealed class UserFormRulesTests
{
    private static readonly PasswordOptions Rules = new() { RequiredLength = 12 };

    private static readonly UserOptions Names = new() { AllowedUserNameCharacters = new UserOptions().AllowedUserNameCharacters + "\\" };

    [Theory]
    [InlineData("", "A password is needed.")]
    [InlineData("weak", "The password needs at least 12 characters (it has 4), an upper-case letter, a digit and a symbol.")]
    [InlineData("ALLUPPERCASE-1", "The password needs a lower-case letter.")]
    [InlineData("Long-enough-but", "The password needs a digit.")]
    [InlineData("Lab-admin-pass-1", null)]
    [InlineData("Ünïcödé-is-a-Symbol-1", null)]
    public void A_password_is_checked_against_the_configured_rules(string password, string? problem) =>
        Assert.Equal(problem, UserFormRules.PasswordProblem(password, Rules));

    [Theory]
    [InlineData("", "A user needs a name.")]
    [InlineData("   ", "A user needs a name.")]
    [InlineData("Admin", "There is already a user named 'Admin'.")]
    [InlineData("LAB\\carol", null)]
    [InlineData("carol.o'neil", "A user name may hold letters, digits and - . _ @ + \\; not \"'\".")]
    public void A_user_name_is_one_identity_accepts_and_nobody_has(string name, string? problem) =>
        Assert.Equal(problem, UserFormRules.NameProblem(name, Names, ["admin"]));
}
