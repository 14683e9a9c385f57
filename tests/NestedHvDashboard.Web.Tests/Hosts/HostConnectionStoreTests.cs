using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Storage;

namespace NestedHvDashboard.Web.Tests.Hosts;

public sealed class HostConnectionStoreTests : IDisposable
{
    private const string Password = "Sup3r-Secret-Pa55!";

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Like the app: keys persisted in <data>/keys, so a new provider (a restart) reads what the old one wrote.
    private HostConnectionStore NewStore(ILogger<HostConnectionStore>? logger = null) => new(
        new DataFolder(_folder),
        DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(_folder, "keys")), b => b.SetApplicationName(HostConnectionsServiceCollectionExtensions.ApplicationName)),
        logger ?? NullLogger<HostConnectionStore>.Instance);

    private static HostConnectionSettings WinRm => new()
    {
        Name = "hv01",
        Address = "hv01.lab.example",
        Transport = HostTransport.WinRm,
        Port = 5986,
        UseHttps = true,
        Authentication = WinRmAuthentication.Negotiate,
        UserName = "LAB\\dashboard",
        Password = Password,
        SkipCertificateChecks = true,
        Tags = ["rack-a", "prod"],
        Timeout = TimeSpan.FromSeconds(45),
        MaxConcurrency = 6,
    };

    private static HostConnectionSettings Ssh => new()
    {
        Name = "hv02",
        Address = "10.0.0.2",
        Transport = HostTransport.Ssh,
        UserName = "labadmin",
        KeyFilePath = "/etc/nestedhv/id_ed25519",
        KnownHostsFile = "/etc/nestedhv/known_hosts",
        ParentHost = "hv01",
        ParentVmId = Guid.Parse("5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
    };

    [Fact]
    public void The_password_never_reaches_the_file_in_plain_text()
    {
        NewStore().Save([WinRm, Ssh]);

        var bytes = File.ReadAllBytes(Path.Combine(_folder, HostConnectionStore.FileName));
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), text, StringComparison.Ordinal);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(Password)));
        Assert.Contains("protectedPassword", text, StringComparison.Ordinal);
        Assert.Contains("hv01.lab.example", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, HostConnectionStore.FileName)));
        }
    }

    [Fact]
    public void A_restart_reads_back_every_setting_with_the_password_decrypted()
    {
        NewStore().Save([WinRm, Ssh]);

        var loaded = NewStore().Load();

        Assert.Equal(2, loaded.Count);
        var winrm = loaded[0];
        Assert.Equal(WinRm with { Tags = winrm.Tags }, winrm);
        Assert.Equal(WinRm.Tags, winrm.Tags);
        Assert.Equal(Ssh with { Tags = loaded[1].Tags }, loaded[1]);
        Assert.Null(loaded[1].Password);
        Assert.Equal(("hv01", Ssh.ParentVmId), (loaded[1].ParentHost, loaded[1].ParentVmId));
        Assert.Null(winrm.ParentHost);
    }

    [Fact]
    public void A_save_replaces_the_whole_list()
    {
        var store = NewStore();
        store.Save([WinRm, Ssh]);
        store.Save([Ssh with { Address = "10.0.0.22" }]);

        var loaded = Assert.Single(NewStore().Load());
        Assert.Equal("10.0.0.22", loaded.Address);
    }

    [Fact]
    public void No_file_is_no_host_and_no_problem()
    {
        var store = NewStore();

        Assert.Empty(store.Load());
        Assert.Null(store.Problem);
    }

    [Fact]
    public async Task A_corrupt_file_is_logged_by_name_kept_aside_and_the_app_starts_on_the_lab()
    {
        var file = Path.Combine(_folder, HostConnectionStore.FileName);
        await File.WriteAllTextAsync(file, "{ \"hosts\": [ { \"name\": \"hv01\", ");
        var logger = new ListLogger<HostConnectionStore>();
        var store = NewStore(logger);

        await using var directory = new HostDirectory(new ConfigurationBuilder().Build(), NullLogger<HostDirectory>.Instance, store: store, connector: new FakeConnector());

        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Error);
        Assert.Contains(file, directory.StoreProblem, StringComparison.Ordinal);
        Assert.Equal("{ \"hosts\": [ { \"name\": \"hv01\", ", await File.ReadAllTextAsync(file + ".unreadable"));
        Assert.NotNull(directory.Lab);

        // Hosts added now are saved in a good file.
        var added = await directory.AddAsync(new HostForm { Name = "hv09", Address = "hv09.lab.example" });
        Assert.True(added.Succeeded, string.Join(" ", added.Errors));
        Assert.Equal("hv09", Assert.Single(NewStore().Load()).Name);
    }

    [Fact]
    public void A_password_the_keys_cannot_decrypt_is_dropped_with_a_warning_and_the_host_kept()
    {
        NewStore().Save([WinRm]);
        Directory.Delete(Path.Combine(_folder, "keys"), recursive: true);
        var logger = new ListLogger<HostConnectionStore>();

        var loaded = Assert.Single(NewStore(logger).Load());

        Assert.Equal("hv01", loaded.Name);
        Assert.Null(loaded.Password);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("hv01", warning.Message, StringComparison.Ordinal);
    }
}
