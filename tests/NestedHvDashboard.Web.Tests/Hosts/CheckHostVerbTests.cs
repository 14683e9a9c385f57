using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary>The published app's check-host verb: the host's settings as the dashboard saved them in its data folder.</summary>
public sealed class CheckHostVerbTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-check-host-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static HostConnectionSettings Saved(int port) => new()
    {
        Name = "hv02",
        Address = "127.0.0.1",
        Port = port,
        Transport = HostTransport.Ssh,
        UserName = "labadmin",
        KeyFilePath = "/nonexistent/id_ed25519",
        Timeout = TimeSpan.FromSeconds(5),
    };

    private static HostConnectionSettings WinRm => new()
    {
        Name = "hv01",
        Address = "hv01.lab.example",
        Transport = HostTransport.WinRm,
        UserName = "LAB\\dashboard",
        Password = "Sup3r-Secret-Pa55!",
    };

    [Fact]
    public async Task The_saved_settings_come_from_the_database_in_the_data_folder_password_included()
    {
        await TestStores.Hosts(_folder).SaveAsync([WinRm, Saved(2222)]);
        string[] args = ["check-host", "HV01", "--DataFolder", _folder];

        Assert.Equivalent(WinRm, await CheckHostVerb.FindSavedAsync(args, "HV01"), strict: true);
        Assert.Equivalent(Saved(2222), await CheckHostVerb.FindSavedAsync(args, "hv02"), strict: true);
        Assert.Null(await CheckHostVerb.FindSavedAsync(args, "hv03"));
    }

    [Fact]
    public async Task A_data_folder_without_a_database_has_no_saved_hosts()
    {
        Assert.Null(await CheckHostVerb.FindSavedAsync(["check-host", "hv01", "--DataFolder", _folder], "hv01"));
    }

    [Fact]
    public async Task A_saved_host_that_refuses_the_connection_fails_the_first_step_and_exits_1()
    {
        await TestStores.Hosts(_folder).SaveAsync([Saved(ClosedPort())]);
        var output = new StringWriter();

        var exit = await CheckHostVerb.RunAsync(["check-host", "hv02", "--DataFolder", _folder, "--json"], output);

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(output.ToString());
        Assert.StartsWith("Ssh 127.0.0.1:", json.RootElement.GetProperty("connection").GetString(), StringComparison.Ordinal);
        Assert.Contains(" as labadmin, timeout 5 s", json.RootElement.GetProperty("connection").GetString(), StringComparison.Ordinal);
        var steps = json.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(("host facts", "Failed"), (steps[0].GetProperty("step").GetString(), steps[0].GetProperty("status").GetString()));
        Assert.All(steps.Skip(1), s => Assert.Equal("Skipped", s.GetProperty("status").GetString()));
        Assert.DoesNotContain("Sup3r", output.ToString(), StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
