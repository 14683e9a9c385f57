using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Hosts;

public sealed class HostDirectoryTests
{
    [Fact]
    public async Task With_no_hosts_configured_and_the_simulator_enabled_it_runs_the_simulated_lab_and_every_host_answers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [HostDirectory.SimulatorEnabledSetting] = "true" }).Build();
        await using var directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance);

        Assert.NotNull(directory.Lab);
        Assert.True(directory.Settings.Count >= 5);
        Assert.All(directory.Settings, s => Assert.Equal(HostTransport.InProcess, s.Transport));

        var first = directory.Settings[0];
        var inventory = await directory[first.Name].GetInventoryAsync();
        Assert.Equal(first.Name, inventory.Facts.Name, ignoreCase: true);
        Assert.NotEmpty(inventory.Vms);
    }

    [Fact]
    public async Task With_no_hosts_configured_and_the_simulator_not_enabled_it_has_no_host_and_no_lab()
    {
        // The default outside Development: a new install shows how to add its first host, not made-up VMs.
        await using var directory = await HostDirectory.CreateAsync(new ConfigurationBuilder().Build(), NullLogger<HostDirectory>.Instance);

        Assert.Null(directory.Lab);
        Assert.Empty(directory.Hosts);
    }

    [Fact]
    public async Task Configured_hosts_replace_the_simulated_lab()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosts:0:Name"] = "hv-lab-01",
            ["Hosts:0:Address"] = "hv-lab-01.example.test",
            ["Hosts:0:Transport"] = "Ssh",
            ["Hosts:0:Port"] = "2222",
            ["Hosts:0:UserName"] = "labadmin",
            ["Hosts:0:KeyFilePath"] = "/keys/lab",
            ["Hosts:0:Tags:0"] = "rack-a",
            ["Hosts:1:Name"] = "hv-lab-02",
            ["Hosts:1:Address"] = "hv-lab-02.example.test",
            ["Hosts:1:Transport"] = "WinRm",
            ["Hosts:1:UseHttps"] = "true",
            ["Hosts:1:Timeout"] = "00:00:10",
        }).Build();

        await using var directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance);

        Assert.Null(directory.Lab);
        Assert.Collection(
            directory.Settings,
            ssh =>
            {
                Assert.Equal("hv-lab-01", ssh.Name);
                Assert.Equal(HostTransport.Ssh, ssh.Transport);
                Assert.Equal(2222, ssh.Port);
                Assert.Equal("labadmin", ssh.UserName);
                Assert.Equal(["rack-a"], ssh.Tags);
            },
            winrm =>
            {
                Assert.Equal(HostTransport.WinRm, winrm.Transport);
                Assert.True(winrm.UseHttps);
                Assert.Equal(TimeSpan.FromSeconds(10), winrm.Timeout);
            });
        Assert.Equal("hv-lab-02", directory["HV-LAB-02"].Name);
    }
}
