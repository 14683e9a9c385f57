using System.Security.Cryptography;
using System.Text;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// The OS inside a simulated VM, reachable by PowerShell Direct: its administrator account and its
/// own simulated host (switches, NAT, addresses, features and, with Hyper-V, its own VMs).
/// The password is kept only as a salted PBKDF2 hash, so state files never hold it.
/// </summary>
public sealed class SimulatedGuest
{
    // A simulator guarding made-up lab passwords: enough to keep them out of state files, cheap enough for labs built per test.
    private const int Iterations = 1_000;

    public string AdministratorUserName { get; set; } = "Administrator";

    /// <summary>Base64 salt for <see cref="PasswordHash"/>.</summary>
    public string PasswordSalt { get; set; } = "";

    /// <summary>Base64 PBKDF2-SHA256 of the administrator password.</summary>
    public string PasswordHash { get; set; } = "";

    public SimulatedHost Host { get; set; } = new();

    /// <summary>A guest with the given administrator account.</summary>
    public static SimulatedGuest Create(SimulatedHost host, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var guest = new SimulatedGuest { Host = host, AdministratorUserName = userName };
        guest.SetPassword(password);
        return guest;
    }

    public void SetPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(16);
        PasswordSalt = Convert.ToBase64String(salt);
        PasswordHash = Convert.ToBase64String(Hash(password, salt));
    }

    /// <summary>
    /// True when <paramref name="userName"/> names the administrator (bare, ".\name" or "COMPUTER\name")
    /// and <paramref name="password"/> is right.
    /// </summary>
    public bool Accepts(string userName, string password, string vmName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var slash = userName.IndexOf('\\', StringComparison.Ordinal);
        var domain = slash < 0 ? null : userName[..slash];
        var user = slash < 0 ? userName : userName[(slash + 1)..];
        var domainOk = domain is null || domain == "." || string.Equals(domain, vmName, StringComparison.OrdinalIgnoreCase) || string.Equals(domain, Host.Name, StringComparison.OrdinalIgnoreCase);
        if (!domainOk || !string.Equals(user, AdministratorUserName, StringComparison.OrdinalIgnoreCase) || PasswordSalt.Length == 0)
        {
            return false;
        }

        var expected = Convert.FromBase64String(PasswordHash);
        return CryptographicOperations.FixedTimeEquals(expected, Hash(password, Convert.FromBase64String(PasswordSalt)));
    }

    /// <summary>
    /// Finishes features waiting for a restart (the guest just booted); returns true when Hyper-V now runs.
    /// Takes the guest host's lock.
    /// </summary>
    public bool CompletePendingFeatures() => Host.Update(h =>
    {
        foreach (var feature in h.PendingFeatures)
        {
            if (!h.InstalledFeatures.Contains(feature, StringComparer.OrdinalIgnoreCase))
            {
                h.InstalledFeatures.Add(feature);
            }
        }

        if (h.PendingFeatures.Exists(WindowsFeatures.IsHyperVRole))
        {
            h.HyperVInstalled = true;
        }

        h.PendingFeatures.Clear();
        return h.HyperVInstalled;
    });

    public SimulatedGuest Clone() => new()
    {
        AdministratorUserName = AdministratorUserName,
        PasswordSalt = PasswordSalt,
        PasswordHash = PasswordHash,
        Host = Host.Clone(),
    };

    private static byte[] Hash(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
}
