using System.Globalization;
using System.Text.Json;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell.Checks;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.PowerShell.Tests.Ssh;

/// <summary>check-host end to end: the verb's command line, the dashboard's engine over SSH to a simulated host, the report and the exit code.</summary>
[Collection(SshLabCollection.Name)]
public sealed class CheckHostSshTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(180);

    private static List<string> CommandLine(SshTestHost host, params string[] more) =>
    [
        HostCheckCommand.Verb, host.Name,
        "--address", "127.0.0.1", "--transport", "ssh", "--port", host.Port.ToString(CultureInfo.InvariantCulture),
        "--user", Environment.UserName, "--key-file", host.ClientKey, "--known-hosts", host.KnownHostsFile,
        "--timeout", "60", "--max-concurrency", "2", "--watch-interval", "0.2",
        .. more,
    ];

    [Fact]
    public async Task Every_read_and_the_scratch_vm_pass_the_json_says_so_and_the_scratch_vm_is_gone()
    {
        var state = SshLabFixture.IntelHost("SSH-CHECK");
        state.AddSwitch("LabSwitch", VMSwitchType.External);
        await using var host = await SshTestHost.StartAsync("SSH-CHECK", state);
        var output = new StringWriter();

        var exit = await HostCheckCommand.RunAsync(CommandLine(host, "--scratch-vm", "--scratch-name", "check-scratch", "--json"), output);

        Assert.True(exit == 0, output.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("SSH-CHECK", json.RootElement.GetProperty("host").GetString());
        var steps = json.RootElement.GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("step").GetString(), s.GetProperty("status").GetString())).ToList();
        Assert.Equal(
            [
                ("host facts", "Passed"), ("full inventory", "Passed"), ("watch cycle 1", "Passed"), ("watch cycle 2", "Passed"), ("readiness", "Passed"),
                ("scratch VM: create 'check-scratch'", "Passed"), ("scratch VM: enable nested", "Passed"), ("scratch VM: MAC spoofing on", "Passed"),
                ("scratch VM: dynamic memory off", "Passed"), ("scratch VM: disable nested", "Passed"), ("scratch VM: remove 'check-scratch'", "Passed"),
            ],
            steps);
        var inventory = json.RootElement.GetProperty("steps")[1].GetProperty("result").GetString();
        Assert.StartsWith("3 VMs (1 running, 0 with nested on)", inventory, StringComparison.Ordinal);
        Assert.Null(host.ReadState().FindVm("check-scratch"));
        Assert.Equal(3, host.ReadState().Vms.Count);
    }

    [Fact]
    public async Task Saved_settings_are_used_and_the_table_names_every_step()
    {
        await using var host = await SshTestHost.StartAsync("SSH-SAVED", SshLabFixture.AmdHost("SSH-SAVED"));
        var output = new StringWriter();
        Task<HostConnectionSettings?> Saved(string name, CancellationToken _) => Task.FromResult(name == "SSH-SAVED" ? host.Settings(TimeSpan.FromSeconds(60)) : null);

        var exit = await HostCheckCommand.RunAsync([HostCheckCommand.Verb, "SSH-SAVED", "--watch-interval", "0.2"], output, Saved);

        var table = output.ToString();
        Assert.True(exit == 0, table);
        Assert.Contains($"check-host SSH-SAVED (Ssh 127.0.0.1:{host.Port} as {Environment.UserName}, timeout 60 s)", table, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^host facts\s+\d+\.\d\d s\s+ok\s+SSH-SAVED: Microsoft Windows Server 2025 Datacenter", table);
        Assert.Matches(@"(?m)^watch cycle 2\s+\d+\.\d\d s\s+ok\s+2 VMs", table);
        Assert.Contains("All 5 steps passed.", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_killed_mid_check_ends_with_a_failed_step_the_rest_skipped_and_exit_code_1()
    {
        await using var doomed = await SshTestHost.StartAsync("SSH-KILLED", SshLabFixture.IntelHost("SSH-KILLED"));
        var output = new StringWriter();
        HostCheckOptions KillAfterInventory(HostCheckOptions options) => options with
        {
            StepEnded = step =>
            {
                if (step.Step == "full inventory")
                {
                    doomed.Kill();
                }
            },
        };

        var check = HostCheckCommand.RunAsync(CommandLine(doomed, "--scratch-vm", "--json"), output, configure: KillAfterInventory);

        Assert.Same(check, await Task.WhenAny(check, Task.Delay(HangGuard)));
        Assert.Equal(1, await check);
        using var json = JsonDocument.Parse(output.ToString());
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        var steps = json.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["Passed", "Passed", "Failed"], steps.Take(3).Select(s => s.GetProperty("status").GetString()));
        var failed = steps[2];
        Assert.Equal("watch cycle 1", failed.GetProperty("step").GetString());
        Assert.Matches("^(Unreachable|Timeout): ", failed.GetProperty("result").GetString());
        Assert.False(string.IsNullOrWhiteSpace(failed.GetProperty("hostMessage").GetString()));
        Assert.All(steps.Skip(3), s => Assert.Equal("Skipped", s.GetProperty("status").GetString()));
        Assert.Contains(steps, s => s.GetProperty("step").GetString()!.StartsWith("scratch VM: create", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "check-host" }, "Name the host to check.")]
    [InlineData(new[] { "check-host", "nowhere" }, "There is no saved host named 'nowhere'")]
    [InlineData(new[] { "check-host", "h", "--address", "h", "--transport", "telnet" }, "--transport takes one of InProcess, WinRm, Ssh, not 'telnet'.")]
    [InlineData(new[] { "check-host", "h", "--address", "h", "--guest-vm", "l1" }, "--guest-vm needs --guest-user")]
    [InlineData(new[] { "check-host", "h", "--address", "h", "--guest-vm", "l1", "--guest-user", "Administrator" }, "NESTEDHV_GUEST_PASSWORD, which is not set")]
    [InlineData(new[] { "check-host", "h", "--address", "h", "--bogus", "1" }, "Unknown option --bogus.")]
    public async Task A_wrong_command_line_is_exit_code_2_with_the_reason_and_the_usage(string[] args, string reason)
    {
        var output = new StringWriter();

        var exit = await HostCheckCommand.RunAsync(args, output, environment: _ => null);

        Assert.Equal(2, exit);
        Assert.Contains(reason, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: check-host <host>", output.ToString(), StringComparison.Ordinal);
    }
}
