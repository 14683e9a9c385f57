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
        await NewStore().RememberAsync("HV01", VmId, new GuestCredential("Administrator", Password));

        await using (var db = await Database.Factory.CreateDbContextAsync())
        {
            var row = await db.GuestCredentials.SingleAsync();
            Assert.Equal(("HV01", VmId, "Administrator"), (row.NormalizedHostName, row.VmId, row.UserName));
            Assert.DoesNotContain(Password, row.ProtectedPassword, StringComparison.Ordinal);
        }

        var restarted = NewStore();
        Assert.Equal(new GuestCredential("Administrator", Password), await restarted.FindAsync("hv01", VmId));
        Assert.Null(await restarted.FindAsync("hv01", Guid.NewGuid()));
        Assert.Null(await restarted.FindAsync("hv02", VmId));

        Assert.True(await restarted.ForgetAsync("hv01", VmId));
        Assert.False(await restarted.IsRememberedAsync("hv01", VmId));
        Assert.Null(await NewStore().FindAsync("hv01", VmId));
        Assert.False(await NewStore().ForgetAsync("hv01", VmId));
    }

    [Fact]
    public async Task Remembering_again_replaces_the_earlier_credential()
    {
        var store = NewStore();
        await store.RememberAsync("hv01", VmId, new GuestCredential("Administrator", Password));
        await store.RememberAsync("HV01", VmId, new GuestCredential("labuser", "other"));

        Assert.Equal(new GuestCredential("labuser", "other"), await NewStore().FindAsync("hv01", VmId));
    }

    [Fact]
    public async Task A_remember_the_database_refuses_names_the_vm_and_the_database()
    {
        var store = NewStore();
        Assert.False(await store.IsRememberedAsync("hv01", VmId));
        await using (var db = await Database.Factory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE \"GuestCredentials\"");
        }

        var error = await Assert.ThrowsAsync<DatabaseSaveException>(() => store.RememberAsync("hv01", VmId, new GuestCredential("Administrator", Password)));

        Assert.Contains($"VM {VmId} on host hv01", error.Message, StringComparison.Ordinal);
        Assert.Contains(Database.Settings.Description, error.Message, StringComparison.Ordinal);
        Assert.False(await store.IsRememberedAsync("hv01", VmId));
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
