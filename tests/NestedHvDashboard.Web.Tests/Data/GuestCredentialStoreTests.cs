using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>Remembered guest credentials in the database; the same tests on SQLite and on PostgreSQL.</summary>
public abstract class GuestCredentialStoreTests : DatabaseTestBase
{
    private const string Password = "Guest-Pa55-word!";
    private static readonly Guid VmId = Guid.Parse("11111111-2222-3333-4444-555555555555");

    private GuestCredentialStore NewStore() => TestStores.GuestCredentials(Database, KeyFolder);

    [Fact]
    public async Task A_remembered_credential_survives_a_restart_encrypted_and_is_gone_after_forget()
    {
        NewStore().Remember("HV01", VmId, new GuestCredential("Administrator", Password));

        await using (var db = await Database.Factory.CreateDbContextAsync())
        {
            var row = await db.GuestCredentials.SingleAsync();
            Assert.Equal(("HV01", VmId, "Administrator"), (row.NormalizedHostName, row.VmId, row.UserName));
            Assert.DoesNotContain(Password, row.ProtectedPassword, StringComparison.Ordinal);
        }

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
    public void Remembering_again_replaces_the_earlier_credential()
    {
        var store = NewStore();
        store.Remember("hv01", VmId, new GuestCredential("Administrator", Password));
        store.Remember("HV01", VmId, new GuestCredential("labuser", "other"));

        Assert.Equal(new GuestCredential("labuser", "other"), NewStore().Find("hv01", VmId));
    }

    [Fact]
    public async Task A_remember_the_database_refuses_names_the_vm_and_the_database()
    {
        var store = NewStore();
        Assert.False(store.IsRemembered("hv01", VmId));
        await using (var db = await Database.Factory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE \"GuestCredentials\"");
        }

        var error = Assert.Throws<DatabaseSaveException>(() => store.Remember("hv01", VmId, new GuestCredential("Administrator", Password)));

        Assert.Contains($"VM {VmId} on host hv01", error.Message, StringComparison.Ordinal);
        Assert.Contains(Database.Settings.Description, error.Message, StringComparison.Ordinal);
        Assert.False(store.IsRemembered("hv01", VmId));
    }
}

public sealed class SqliteGuestCredentialStoreTests : GuestCredentialStoreTests
{
    protected override Task<ITestDatabase> CreateDatabaseAsync() => Task.FromResult<ITestDatabase>(new SqliteTestDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGuestCredentialStoreTests(PostgresServer server) : GuestCredentialStoreTests
{
    protected override async Task<ITestDatabase> CreateDatabaseAsync() => await server.CreateDatabaseAsync();
}
