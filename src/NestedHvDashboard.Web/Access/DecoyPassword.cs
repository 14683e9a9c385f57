using Microsoft.AspNetCore.Identity;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// A password hash that belongs to nobody: the sign-in form checks the typed password against it when the user is unknown
/// (or has no password here), so the answer takes as long as a wrong password for a real user and does not tell which
/// user names exist.
/// </summary>
public sealed class DecoyPassword
{
    private string? _hash;

    /// <summary>Verifies <paramref name="password"/> against the decoy hash (made once, by the same hasher, so the work is the same).</summary>
    public void Verify(IPasswordHasher<DashboardUser> hasher, string password)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        var decoy = new DashboardUser();
        _hash ??= hasher.HashPassword(decoy, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        _ = hasher.VerifyHashedPassword(decoy, _hash, password ?? "");
    }
}
