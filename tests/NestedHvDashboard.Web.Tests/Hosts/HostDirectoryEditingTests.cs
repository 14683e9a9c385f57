using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary>Adds, edits and removes through the directory reach the database, the monitor and the live feed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class HostDirectoryEditingTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-directory-").FullName;
    private readonly InventoryStore _feed = new(new InventoryFeedOptions { BatchInterval = TimeSpan.FromMilliseconds(20) });
    private readonly FakeConnector _connector = new();
    private readonly List<HostDirectory> _directories = [];
    private InventoryMonitor _monitor = null!;
    private HostDirectory _directory = null!;

    public async Task InitializeAsync()
    {
        _monitor = new InventoryMonitor(
            [],
            _feed,
            new InventoryMonitorOptions { PollInterval = TimeSpan.FromMilliseconds(50), ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) },
            NullLogger<InventoryMonitor>.Instance);
        _directory = await NewDirectoryAsync(_monitor);
        await _monitor.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _monitor.StopAsync(CancellationToken.None);
        _monitor.Dispose();
        foreach (var directory in _directories)
        {
            await directory.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private async Task<HostDirectory> NewDirectoryAsync(InventoryMonitor? monitor)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = "hv-config",
            ["Hosts:0:Address"] = "hv-config.lab.example",
            ["Hosts:0:Transport"] = "WinRm",
        }).Build();
        var store = TestStores.Hosts(_folder);
        var directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance, store, _connector);
        if (monitor is not null)
        {
            directory.Subscribe(monitor);
        }

        _directories.Add(directory);
        return directory;
    }

    private Task EventuallyAsync(Func<InventorySnapshot, bool> condition, string what) =>
        Eventually.HoldsAsync(() => condition(_feed.GetSnapshot()), Patience, what);

    private static HostForm WinRmForm(string name = "hv09") => new()
    {
        Name = name,
        Address = $"{name}.lab.example",
        Transport = HostTransport.WinRm,
        UserName = "LAB\\dashboard",
        Password = "first-password",
        Tags = "rack-a",
    };

    private ConnectionFakeHost LastMade(string name) => _connector.Made.Last(h => h.Name == name);

    [Fact]
    public async Task A_host_added_is_saved_and_shows_up_connected_in_the_live_feed()
    {
        await EventuallyAsync(s => s.Find("hv-config") is { Status.State: HostConnectionState.Connected }, "the configured host connected");

        var result = await _directory.AddAsync(WinRmForm());

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        await EventuallyAsync(s => s.Find("hv09") is { Status.State: HostConnectionState.Connected, Vms: [{ Name: "hv09-vm" }] }, "hv09 in the feed");
        Assert.Contains("hv09", _monitor.HostNames);
        Assert.Same(LastMade("hv09"), _directory.Find("HV09"));
        var listed = Assert.Single(_directory.Hosts, h => h.Name == "hv09");
        Assert.Equal((HostSource.Stored, "first-password"), (listed.Source, listed.Settings.Password));
        Assert.Equal(["rack-a"], listed.Settings.Tags);

        // A restart reads it back from the database, as a host added here.
        var restarted = await NewDirectoryAsync(monitor: null);
        Assert.Equal(["hv-config", "hv09"], restarted.Hosts.Select(h => h.Name));
        Assert.Equal(HostSource.Stored, restarted.Hosts[1].Source);
        Assert.Equal("first-password", restarted.Hosts[1].Settings.Password);
        Assert.Null(restarted.Lab);
    }

    [Fact]
    public async Task Two_instances_on_one_database_follow_each_others_edits_and_never_save_over_them()
    {
        // Another instance on the same database, as in a cluster; both read the stored hosts again before each edit.
        var other = await NewDirectoryAsync(monitor: null);
        _directory.SyncBeforeEdits = true;
        other.SyncBeforeEdits = true;
        var saved = 0;
        other.StoredHostsSaved += () => Interlocked.Increment(ref saved);
        Assert.True((await _directory.AddAsync(WinRmForm("hv09"))).Succeeded);

        // The other instance adds its own host without having been told: its save keeps hv09.
        Assert.True((await other.AddAsync(WinRmForm("hv10"))).Succeeded);
        Assert.Equal(["hv-config", "hv09", "hv10"], other.Hosts.Select(h => h.Name));
        Assert.Equal(["hv09", "hv10"], (await NewDirectoryAsync(monitor: null)).Hosts.Where(h => h.Source == HostSource.Stored).Select(h => h.Name));

        // Told, this instance watches hv10 too.
        Assert.Equal(1, await _directory.SyncStoredAsync());
        await EventuallyAsync(s => s.Find("hv10") is { Status.State: HostConnectionState.Connected }, "hv10, added on the other instance, in this one's feed");

        // Changed and removed on the other instance: reconnected with the new address, and no longer watched, here.
        var changed = WinRmForm("hv10");
        changed.Address = "hv10-new.lab.example";
        Assert.True((await other.UpdateAsync("hv10", changed)).Succeeded);
        Assert.True((await other.RemoveAsync("hv09")).Succeeded);
        Assert.Equal(2, await _directory.SyncStoredAsync());
        Assert.Equal("hv10-new.lab.example", Assert.Single(_directory.Hosts, h => h.Name == "hv10").Settings.Address);
        Assert.Equal("first-password", Assert.Single(_directory.Hosts, h => h.Name == "hv10").Settings.Password);
        Assert.DoesNotContain(_directory.Hosts, h => h.Name == "hv09");
        await EventuallyAsync(s => s.Find("hv09") is null, "hv09, removed on the other instance, gone from this one's feed");
        Assert.DoesNotContain("hv09", _monitor.HostNames);
        Assert.Equal(0, await _directory.SyncStoredAsync());
        Assert.Equal(3, saved);
    }

    [Fact]
    public async Task An_edited_host_reconnects_with_its_new_settings_and_the_old_connection_is_closed()
    {
        Assert.True((await _directory.AddAsync(WinRmForm())).Succeeded);
        await EventuallyAsync(s => s.Find("hv09") is { Status.State: HostConnectionState.Connected }, "hv09 connected");
        var first = LastMade("hv09");

        // Empty password on edit keeps the stored one.
        var form = _directory.EditFormFor("hv09")!;
        Assert.True(form.HasStoredPassword);
        Assert.Null(form.Password);
        form.Tags = "rack-b, gpu";
        form.Port = 5990;
        var result = await _directory.UpdateAsync("hv09", form);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        Assert.True(first.Disposed);
        var second = LastMade("hv09");
        Assert.NotSame(first, second);
        Assert.Equal((5990, "first-password"), (second.Settings.Port, second.Settings.Password));
        Assert.Equal(["rack-b", "gpu"], second.Settings.Tags);
        Assert.Same(second, _directory.Find("hv09"));
        await EventuallyAsync(s => s.Find("hv09") is { Status.State: HostConnectionState.Connected }, "hv09 reconnected");

        // Renamed, with the password cleared: the old name leaves the feed, the new one comes.
        form = _directory.EditFormFor("hv09")!;
        form.Name = "hv10";
        form.ClearPassword = true;
        form.UserName = "";
        Assert.True((await _directory.UpdateAsync("hv09", form)).Succeeded);

        Assert.Null(LastMade("hv10").Settings.Password);
        await EventuallyAsync(s => s.Find("hv09") is null && s.Find("hv10") is { Status.State: HostConnectionState.Connected }, "renamed in the feed");
        Assert.Null(_directory.Find("hv09"));
        Assert.Equal("hv10", Assert.Single((await NewDirectoryAsync(null)).Hosts, h => h.Source == HostSource.Stored).Name);
    }

    [Fact]
    public async Task A_removed_host_disappears_from_the_feed_and_the_file_and_its_connection_is_closed()
    {
        Assert.True((await _directory.AddAsync(WinRmForm())).Succeeded);
        await EventuallyAsync(s => s.Find("hv09") is { Status.State: HostConnectionState.Connected }, "hv09 connected");

        var result = await _directory.RemoveAsync("HV09");

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        Assert.Null(_feed.GetSnapshot().Find("hv09"));
        Assert.DoesNotContain("hv09", _monitor.HostNames);
        Assert.True(LastMade("hv09").Disposed);
        Assert.Null(_directory.Find("hv09"));
        Assert.DoesNotContain((await NewDirectoryAsync(null)).Hosts, h => h.Name == "hv09");
        Assert.NotNull(_feed.GetSnapshot().Find("hv-config"));
    }

    [Fact]
    public async Task Configured_hosts_are_read_only_and_their_names_taken()
    {
        var edit = await _directory.UpdateAsync("hv-config", WinRmForm("hv-config"));
        var remove = await _directory.RemoveAsync("hv-config");
        var add = await _directory.AddAsync(WinRmForm("HV-CONFIG"));
        var missing = await _directory.RemoveAsync("nowhere");

        Assert.Contains("'hv-config' comes from configuration", Assert.Single(edit.Errors).Message, StringComparison.Ordinal);
        Assert.Contains("'hv-config' comes from configuration", Assert.Single(remove.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(nameof(HostForm.Name), Assert.Single(add.Errors).Field);
        Assert.Contains("no host named 'nowhere'", Assert.Single(missing.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(["hv-config"], _directory.Hosts.Select(h => h.Name));
        Assert.Empty(await TestStores.Hosts(_folder).LoadAsync());
    }

    [Fact]
    public async Task An_invalid_form_changes_nothing_and_names_every_bad_field()
    {
        var result = await _directory.AddAsync(new HostForm { Name = " bad", Address = "http://x", Port = 0, MaxConcurrency = 99 });

        Assert.Equal([nameof(HostForm.Name), nameof(HostForm.Address), nameof(HostForm.Port), nameof(HostForm.MaxConcurrency)], result.Errors.Select(e => e.Field));
        Assert.Equal(["hv-config"], _directory.Hosts.Select(h => h.Name));
        Assert.Equal(["hv-config"], _monitor.HostNames);
        Assert.Empty(await TestStores.Hosts(_folder).LoadAsync());
    }

    [Fact]
    public async Task Test_connection_reports_the_facts_or_the_failure_and_closes_its_connection()
    {
        var ok = await _directory.TestConnectionAsync(WinRmForm());
        _connector.Refusing.Add("hv11.lab.example");
        var refused = await _directory.TestConnectionAsync(WinRmForm("hv11"));

        Assert.True(ok.Succeeded);
        Assert.Contains("Microsoft Windows Server 2022 Datacenter, build 20348, Intel(R) Xeon(R) Gold 6338", ok.Message, StringComparison.Ordinal);
        Assert.Contains("'hv09' (WinRM over HTTP to LAB\\dashboard@hv09.lab.example:5985", ok.Message, StringComparison.Ordinal);
        Assert.False(refused.Succeeded);
        Assert.Equal(HostErrorKind.Unreachable, refused.ErrorKind);
        Assert.Contains("'hv11'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", refused.Message, StringComparison.Ordinal);
        Assert.All(_connector.Made.Where(h => h.Name is "hv09" or "hv11"), h => Assert.True(h.Disposed));

        // Nothing was added by testing.
        Assert.Equal(["hv-config"], _directory.Hosts.Select(h => h.Name));
    }

    [Fact]
    public async Task Test_connection_while_editing_uses_the_stored_password_unless_a_new_one_is_typed()
    {
        Assert.True((await _directory.AddAsync(WinRmForm())).Succeeded);
        var form = _directory.EditFormFor("hv09")!;

        await _directory.TestConnectionAsync(form, editing: "hv09");
        Assert.Equal("first-password", _connector.Made[^1].Settings.Password);

        form.Password = "second-password";
        await _directory.TestConnectionAsync(form, editing: "hv09");
        Assert.Equal("second-password", _connector.Made[^1].Settings.Password);
    }

    [Fact]
    public async Task Test_connection_of_an_invalid_form_names_the_fields_and_tries_nothing()
    {
        var made = _connector.Made.Count;

        var result = await _directory.TestConnectionAsync(new HostForm { Name = "x", Address = "", Transport = HostTransport.Ssh, Password = "p" });

        Assert.False(result.Succeeded);
        Assert.Equal([nameof(HostForm.Address), nameof(HostForm.Password)], result.Errors.Select(e => e.Field));
        Assert.Equal(made, _connector.Made.Count);
    }

    [Fact]
    public async Task Test_connection_over_real_ssh_to_a_port_nobody_listens_on_is_unreachable_and_names_the_host()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var directory = await HostDirectory.CreateAsync(new ConfigurationBuilder().Build(), NullLogger<HostDirectory>.Instance);

        var result = await directory.TestConnectionAsync(new HostForm
        {
            Name = "closed-port",
            Address = "127.0.0.1",
            Transport = HostTransport.Ssh,
            Port = port,
            UserName = "nobody",
            TimeoutSeconds = 10,
        });

        Assert.False(result.Succeeded);
        Assert.Equal(HostErrorKind.Unreachable, result.ErrorKind);
        Assert.Contains("'closed-port'", result.Message, StringComparison.Ordinal);
        Assert.Contains($"SSH to nobody@127.0.0.1:{port}", result.Message, StringComparison.Ordinal);
    }
}
