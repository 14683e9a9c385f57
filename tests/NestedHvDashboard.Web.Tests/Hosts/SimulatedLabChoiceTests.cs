using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Simulator.State;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Simulator;
using NestedHvDashboard.Web.Tests.Data;

namespace NestedHvDashboard.Web.Tests.Hosts;

/// <summary>
/// The simulated lab as a kept choice: adding a real host keeps a running lab (and the L1 guests added from it) across a restart
/// of the app, the lab's state comes back as it was left, and turning it off (or on) is kept too. Each "restart" is a new
/// directory on the same data folder and database, as the app builds at its start.
/// </summary>
public sealed class SimulatedLabChoiceTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-labchoice-").FullName;
    private readonly List<HostDirectory> _directories = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var directory in _directories)
        {
            await directory.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private SimulatedLabFiles Files => new(new DataFolder(_folder));

    // What Development runs with: the lab when no host is configured.
    private async Task<HostDirectory> StartAppAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [HostDirectory.SimulatorEnabledSetting] = "true" }).Build();
        var directory = await HostDirectory.CreateAsync(configuration, NullLogger<HostDirectory>.Instance, TestStores.Hosts(_folder), labFiles: Files);
        _directories.Add(directory);
        return directory;
    }

    private static SimulatedVm Vm(HostDirectory directory, string name) =>
        directory.Lab!.Lab.Hosts.Select(h => h.Read(x => x.Vms.FirstOrDefault(v => v.Name == name))).First(v => v is not null)!;

    private static SimulatedHost HostOf(HostDirectory directory, string vmName) =>
        directory.Lab!.Lab.Hosts.First(h => h.Read(x => x.Vms.Any(v => v.Name == vmName)));

    [Fact]
    public async Task Adding_a_real_host_keeps_the_lab_its_state_and_its_L1_guests_across_a_restart()
    {
        var first = await StartAppAsync();
        Assert.Null(first.LabChoice);
        var parent = HostOf(first, "nested-l1-01");
        Assert.True((await first.AddNestedHostAsync(parent.Name, Vm(first, "nested-l1-01").Id)).Succeeded);
        HostOf(first, "print-01").Update(h => h.Vms.Single(v => v.Name == "print-01").Notes = "changed before the restart");

        var added = await first.AddAsync(new HostForm { Name = "real-01", Address = "real-01.lab.example", Transport = HostTransport.Ssh, Port = 22, UserName = "labadmin", KeyFilePath = "/keys/lab" });
        Assert.True(added.Succeeded, added.Message);
        Assert.True(first.LabChoice);
        Assert.True(first.SaveLabState());
        Assert.False(first.SaveLabState());
        await first.DisposeAsync();

        var second = await StartAppAsync();

        Assert.NotNull(second.Lab);
        Assert.Contains(second.Hosts, h => h.Name == "real-01" && h.Source == HostSource.Stored);
        Assert.Contains(second.Hosts, h => h.Name == "nested-l1-01" && h.Settings.ParentHost == parent.Name);
        Assert.Equal(6, second.Hosts.Count(h => h.Source == HostSource.Simulated));
        Assert.Equal("changed before the restart", Vm(second, "print-01").Notes);
    }

    [Fact]
    public async Task Turning_the_lab_off_stops_watching_it_and_stays_off_after_a_restart_until_it_is_turned_on_as_it_was_left()
    {
        var first = await StartAppAsync();
        var parent = HostOf(first, "nested-l1-01");
        Assert.True((await first.AddNestedHostAsync(parent.Name, Vm(first, "nested-l1-01").Id)).Succeeded);
        HostOf(first, "print-01").Update(h => h.Vms.Single(v => v.Name == "print-01").Notes = "left like this");

        var off = await first.SetLabAsync(false);

        Assert.True(off.Succeeded, off.Message);
        Assert.Contains("The simulated lab is off: its 7 hosts are no longer watched", off.Message, StringComparison.Ordinal);
        Assert.Null(first.Lab);
        Assert.Empty(first.Hosts);
        Assert.False(first.LabChoice);
        Assert.True(File.Exists(Files.StatePath));
        await first.DisposeAsync();

        var second = await StartAppAsync();
        Assert.Null(second.Lab);
        Assert.Empty(second.Hosts);

        var on = await second.SetLabAsync(true);

        Assert.True(on.Succeeded, on.Message);
        Assert.Equal("The simulated lab is on: 7 hosts, as they were left.", on.Message);
        Assert.Equal("left like this", Vm(second, "print-01").Notes);
        Assert.Contains(second.Hosts, h => h.Name == "nested-l1-01");
        Assert.True(second.LabChoice);
    }

    [Fact]
    public void A_damaged_state_file_is_no_lab_and_says_why()
    {
        File.WriteAllText(Files.StatePath, "{ not json");

        Assert.Null(Files.ReadLab(out var problem));
        Assert.Contains("could not be read", problem, StringComparison.Ordinal);
        File.WriteAllText(Files.ChoicePath, "garbage");
        Assert.Null(Files.ReadChoice());
    }
}
