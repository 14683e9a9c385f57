using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Storage;

namespace NestedHvDashboard.Web.Tests.Networking;

public sealed class GuestCredentialStoreTests : IDisposable
{
    private const string Password = "Guest-Pa55-word!";
    private static readonly Guid VmId = Guid.Parse("11111111-2222-3333-4444-555555555555");

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-guest-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Like the app: keys in <data>/keys, so a new store (a restart) reads what the old one wrote.
    private GuestCredentialStore NewStore() => new(
        new DataFolder(_folder),
        DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(_folder, "keys")), b => b.SetApplicationName(HostConnectionsServiceCollectionExtensions.ApplicationName)),
        NullLogger<GuestCredentialStore>.Instance);

    [Fact]
    public void A_remembered_credential_survives_a_restart_encrypted_and_is_gone_after_forget()
    {
        NewStore().Remember("HV01", VmId, new GuestCredential("Administrator", Password));

        var text = File.ReadAllText(Path.Combine(_folder, GuestCredentialStore.FileName), Encoding.UTF8);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.Contains("Administrator", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));

        var restarted = NewStore();
        Assert.Equal(new GuestCredential("Administrator", Password), restarted.Find("hv01", VmId));
        Assert.Null(restarted.Find("hv01", Guid.NewGuid()));
        Assert.Null(restarted.Find("hv02", VmId));

        Assert.True(restarted.Forget("hv01", VmId));
        Assert.False(restarted.IsRemembered("hv01", VmId));
        Assert.Null(NewStore().Find("hv01", VmId));
        Assert.False(NewStore().Forget("hv01", VmId));
    }

    [Fact]
    public void An_unreadable_file_means_nothing_remembered_and_the_next_save_replaces_it()
    {
        File.WriteAllText(Path.Combine(_folder, GuestCredentialStore.FileName), "{ not json");

        var store = NewStore();
        Assert.Null(store.Find("hv01", VmId));

        store.Remember("hv01", VmId, new GuestCredential("Administrator", Password));
        Assert.Equal(Password, NewStore().Find("hv01", VmId)?.Password);
    }
}
