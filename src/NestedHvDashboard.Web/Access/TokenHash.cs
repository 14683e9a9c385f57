using System.Security.Cryptography;
using System.Text;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// What the database keeps of a bearer secret (a personal access token, a wall link's token): never the secret, only
/// this hash, which a presented secret is looked up by.
/// </summary>
public static class TokenHash
{
    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes.</summary>
    public static string Of(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
