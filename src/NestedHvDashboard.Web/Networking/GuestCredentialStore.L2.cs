using System.Security.Cryptography;
using System.Text;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Web.Networking;

/// <summary>
/// An L2 guest's credential, remembered like a VM's: keyed by the host, the L1 VM's id and the L2 VM's name inside the L1
/// (which has no id the dashboard's host knows), folded into a VM id of its own so the same table keeps it.
/// </summary>
public sealed partial class GuestCredentialStore
{
    /// <summary>The key an L2 guest's credential is kept under: a name-based id from the L1's id and the L2's name (case-insensitive, as Hyper-V names are).</summary>
    public static Guid L2Key(Guid l1VmId, string l2VmName)
    {
        ArgumentNullException.ThrowIfNull(l2VmName);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"L2/{l1VmId:D}/{l2VmName.Trim().ToUpperInvariant()}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>The remembered credential of L2 VM <paramref name="l2VmName"/> inside L1 <paramref name="l1VmId"/>, or null.</summary>
    public Task<GuestCredential?> FindL2Async(string host, Guid l1VmId, string l2VmName, CancellationToken cancellationToken = default) =>
        FindAsync(host, L2Key(l1VmId, l2VmName), cancellationToken);

    /// <summary>Remembers the L2 guest's credential, replacing any earlier one.</summary>
    public Task RememberL2Async(string host, Guid l1VmId, string l2VmName, GuestCredential credential, CancellationToken cancellationToken = default) =>
        RememberAsync(host, L2Key(l1VmId, l2VmName), credential, cancellationToken);

    /// <summary>Forgets the L2 guest's credential; true when one was remembered.</summary>
    public Task<bool> ForgetL2Async(string host, Guid l1VmId, string l2VmName, CancellationToken cancellationToken = default) =>
        ForgetAsync(host, L2Key(l1VmId, l2VmName), cancellationToken);
}
