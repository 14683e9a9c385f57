using System.Globalization;
using Microsoft.AspNetCore.Identity;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// The users page's checks as the administrator types, in the words Identity would refuse with later: a user name Identity
/// accepts and nobody has yet, and a password that meets the configured <see cref="PasswordOptions"/>.
/// </summary>
public static class UserFormRules
{
    /// <summary>The field names, for <see cref="Components.FormCheck"/>.</summary>
    public const string UserName = "UserName";

    /// <summary>The new user's initial password.</summary>
    public const string Password = "Password";

    /// <summary>The password a reset sets.</summary>
    public const string ResetPassword = "ResetPassword";

    /// <summary>Why <paramref name="name"/> cannot be a new user's name, or null when it can.</summary>
    public static string? NameProblem(string? name, UserOptions options, IEnumerable<string> existing)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(existing);
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "A user needs a name.";
        }

        var allowed = options.AllowedUserNameCharacters;
        var wrong = trimmed.Where(c => !string.IsNullOrEmpty(allowed) && !allowed.Contains(c, StringComparison.Ordinal)).Distinct().ToList();
        if (wrong.Count > 0)
        {
            return $"A user name may hold letters, digits and {string.Join(" ", allowed?.Where(c => !char.IsAsciiLetterOrDigit(c)) ?? [])}; not {string.Join(" ", wrong.Select(Shown))}.";
        }

        return existing.Contains(trimmed, StringComparer.OrdinalIgnoreCase) ? $"There is already a user named '{trimmed}'." : null;
    }

    /// <summary>What <paramref name="password"/> lacks under <paramref name="options"/>, in one sentence; null when it is good.</summary>
    public static string? PasswordProblem(string? password, PasswordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        password ??= "";
        if (password.Length == 0)
        {
            return "A password is needed.";
        }

        var missing = new List<string>();
        if (password.Length < options.RequiredLength)
        {
            missing.Add(string.Create(CultureInfo.InvariantCulture, $"at least {options.RequiredLength} characters (it has {password.Length})"));
        }

        // Identity's own classes: ASCII letters and digits; anything else is a symbol.
        if (options.RequireUppercase && !password.Any(char.IsAsciiLetterUpper))
        {
            missing.Add("an upper-case letter");
        }

        if (options.RequireLowercase && !password.Any(char.IsAsciiLetterLower))
        {
            missing.Add("a lower-case letter");
        }

        if (options.RequireDigit && !password.Any(char.IsAsciiDigit))
        {
            missing.Add("a digit");
        }

        if (options.RequireNonAlphanumeric && password.All(char.IsAsciiLetterOrDigit))
        {
            missing.Add("a symbol");
        }

        if (password.Distinct().Count() < options.RequiredUniqueChars)
        {
            missing.Add(string.Create(CultureInfo.InvariantCulture, $"{options.RequiredUniqueChars} different characters"));
        }

        return missing.Count == 0 ? null : $"The password needs {Join(missing)}.";
    }

    private static string Shown(char c) => char.IsWhiteSpace(c) ? "spaces" : $"\"{c}\"";

    private static string Join(List<string> parts) =>
        parts.Count == 1 ? parts[0] : $"{string.Join(", ", parts.Take(parts.Count - 1))} and {parts[^1]}";
}
