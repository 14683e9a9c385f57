using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.Jea;

/// <summary>
/// The engine on the dashboard's JEA endpoint (<see cref="JeaEndpoint"/>): every operation by function name as an
/// operator, every change refused as a viewer with an error that says so, and nothing outside the role reachable.
/// </summary>
public sealed class JeaEndpointTests(JeaEndpoint endpoint) : IClassFixture<JeaEndpoint>, IAsyncLifetime
{
    private static readonly GuestCredential Lab = new(LabScenarios.GuestAdministratorUserName, LabScenarios.GuestAdministratorPassword);
    private readonly SimulatedHost _host = NewHost();
    private readonly List<PowerShellHyperVHost> _opened = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _opened)
        {
            await host.DisposeAsync();
        }
    }

    private static SimulatedHost NewHost()
    {
        var host = new SimulatedHost("HV-JEA") { Timing = SimulationTiming.Fast() };
        host.AddSwitch("LabSwitch", VMSwitchType.Internal);
        host.AddVm("off01");
        host.AddVm("run01", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = DateTimeOffset.UtcNow.AddMinutes(-5);
        });
        LabScenarios.AddWindowsGuestVm(host, "l1-hv", "Windows Server 2022 Datacenter", "10.0.20348", true, true, true);
        LabScenarios.AddWindowsGuestVm(host, "l1-plain", "Windows Server 2022 Datacenter", "10.0.20348", true, false, true);
        return host;
    }

    private PowerShellHyperVHost As(string principal)
    {
        var state = endpoint.SessionFor(principal, _host);
        var session = new HostSession("JEA host", TimeSpan.FromSeconds(30), () =>
        {
            var pool = RunspaceFactory.CreateRunspacePool(state);
            pool.SetMaxRunspaces(2);
            return new HostConnection.Pool(pool);
        }, maxConcurrency: 2, invocation: HostInvocation.ByName);
        var host = new PowerShellHyperVHost(session) { GuestPollInterval = TimeSpan.FromMilliseconds(50), GuestRestartTimeout = TimeSpan.FromSeconds(30) };
        _opened.Add(host);
        return host;
    }

    private Guid Id(string name) => _host.FindVm(name)!.Id;

    [Fact]
    public async Task An_operator_reads_and_changes_everything_by_function_name()
    {
        var host = As(JeaEndpoint.Operator);

        var inventory = await host.GetInventoryAsync();
        Assert.Equal(["l1-hv", "l1-plain", "off01", "run01"], inventory.Vms.Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal("HV-JEA", (await host.GetHostFactsAsync()).Name);
        Assert.Contains("LabSwitch", await host.GetSwitchNamesAsync());

        // Nested on for a running VM: stop, set, start — the three by name.
        await host.StopVmAsync(Id("run01"), StopMode.ShutDown);
        var nested = await host.SetNestedVirtualizationAsync(Id("run01"), true);
        Assert.True(nested.ExposeVirtualizationExtensions);
        var started = await host.StartVmAsync(Id("run01"));
        Assert.Equal(VmState.Running, started.State);
        Assert.True(_host.FindVm("run01")!.ExposeVirtualizationExtensions);

        var spoofing = await host.SetMacAddressSpoofingAsync(Id("run01"), null, true);
        Assert.All(spoofing.NetworkAdapters, a => Assert.True(a.MacAddressSpoofing));
        var memory = await host.SetDynamicMemoryAsync(Id("off01"), false);
        Assert.False(memory.DynamicMemoryEnabled);
        Assert.False(_host.FindVm("off01")!.DynamicMemoryEnabled);

        // The readiness list's one-click fixes, each its own function.
        Assert.Equal(4L * 1024 * 1024 * 1024, (await host.SetStartupMemoryAsync(Id("off01"), 4L * 1024 * 1024 * 1024)).MemoryStartupBytes);
        Assert.Equal(2, (await host.SetProcessorCountAsync(Id("off01"), 2)).ProcessorCount);
        _host.FindVm("off01")!.Version = "8.0";
        Assert.Equal(new Version(10, 0), (await host.UpdateVmVersionAsync(Id("off01"))).ConfigVersion);

        // Inside a guest over PowerShell Direct, from the module's function.
        var guest = await host.GetGuestNetworkStateAsync(Id("l1-hv"), Lab);
        Assert.Equal(GuestHyperVState.Installed, guest.Os!.HyperV);
        var nat = await host.CreateNatNetworkAsync(Id("l1-hv"), Lab, new NatNetworkRequest("192.168.0.0/24", "192.168.0.1", SwitchName: "VmNAT", NatName: "LocalNAT"));
        Assert.Equal(new GuestNat("LocalNAT", "192.168.0.0/24"), Assert.Single(nat.Nats));
        var installed = await host.InstallHyperVAsync(Id("l1-plain"), Lab);
        Assert.Equal(GuestHyperVState.Installed, installed.Os!.HyperV);

        // The new VM's steps come as the function writes them, by name as by script text.
        var running = new List<string>();
        var created = await host.CreateVmAsync(new NewVmRequest("jea-new", 4L * 1024 * 1024 * 1024, 2, "LabSwitch"), new RunningTitles(running));
        Assert.True(created.ExposeVirtualizationExtensions);
        Assert.NotNull(_host.FindVm("jea-new"));
        Assert.Equal(NewVmPlan.Steps.Select(s => s.Title), running);
    }

    /// <summary>The titles of the steps reported Running, in order (synchronously).</summary>
    private sealed class RunningTitles(List<string> titles) : IProgress<OperationStep>
    {
        public void Report(OperationStep value)
        {
            if (value.Status is OperationStepStatus.Running)
            {
                lock (titles)
                {
                    titles.Add(value.Title);
                }
            }
        }
    }

    [Fact]
    public async Task The_host_side_watch_runs_by_function_name()
    {
        var host = As(JeaEndpoint.Viewer);
        var watch = new HostSideInventoryWatch(TimeSpan.FromMilliseconds(200));
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await using var inventories = watch.WatchAsync(new MonitoredHost(host, TimeSpan.FromSeconds(30)), bound.Token).GetAsyncEnumerator(bound.Token);
        Assert.True(await inventories.MoveNextAsync());
        Assert.Equal(4, inventories.Current.Vms.Count);

        _host.FindVm("off01")!.ProcessorCount = 6;
        do
        {
            Assert.True(await inventories.MoveNextAsync());
        }
        while (inventories.Current.Vms.Single(v => v.Name == "off01").ProcessorCount != 6);
    }

    [Fact]
    public async Task A_viewer_reads_but_every_change_is_refused_saying_which_role_to_map()
    {
        var host = As(JeaEndpoint.Viewer);
        Assert.Equal(4, (await host.GetInventoryAsync()).Vms.Count);
        Assert.NotNull((await host.GetGuestNetworkStateAsync(Id("l1-hv"), Lab)).Os);
        var before = _host.FindVm("off01")!.ExposeVirtualizationExtensions;

        Func<Task>[] changes =
        [
            () => host.SetNestedVirtualizationAsync(Id("off01"), !before),
            () => host.StartVmAsync(Id("off01")),
            () => host.StopVmAsync(Id("run01"), StopMode.TurnOff),
            () => host.SetMacAddressSpoofingAsync(Id("run01"), null, true),
            () => host.SetDynamicMemoryAsync(Id("off01"), false),
            () => host.SetStartupMemoryAsync(Id("off01"), 4L * 1024 * 1024 * 1024),
            () => host.SetProcessorCountAsync(Id("off01"), 2),
            () => host.UpdateVmVersionAsync(Id("off01")),
            () => host.CreateVmAsync(new NewVmRequest("viewer-new", 4L * 1024 * 1024 * 1024, 2, "LabSwitch")),
        ];
        foreach (var change in changes)
        {
            var error = await Assert.ThrowsAsync<HostOperationException>(change);
            Assert.Equal(HostErrorKind.HostRefused, error.Kind);
            Assert.Contains("The host's JEA endpoint does not let this account run Invoke-NestedHv", error.Message, StringComparison.Ordinal);
            Assert.Contains("map the account to the NestedHvOperator role", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, _host.FindVm("off01")!.ExposeVirtualizationExtensions);
        Assert.Equal(VMState.Off, _host.FindVm("off01")!.State);
        Assert.Equal(VMState.Running, _host.FindVm("run01")!.State);
        Assert.Null(_host.FindVm("viewer-new"));
    }

    [Theory]
    [InlineData(JeaEndpoint.Operator)]
    [InlineData(JeaEndpoint.Viewer)]
    public void Nothing_outside_the_role_is_reachable_no_script_no_cmdlet_no_private_helper(string principal)
    {
        using var runspace = RunspaceFactory.CreateRunspace(endpoint.SessionFor(principal, _host));
        runspace.Open();

        Exception Refused(Action<System.Management.Automation.PowerShell> build)
        {
            using var shell = System.Management.Automation.PowerShell.Create();
            shell.Runspace = runspace;
            build(shell);
            return Assert.ThrowsAny<Exception>(() => shell.Invoke());
        }

        Assert.Contains("no-language mode", Refused(s => s.AddScript("Get-VM | Stop-VM -TurnOff")).Message, StringComparison.Ordinal);
        Assert.IsType<CommandNotFoundException>(Refused(s => s.AddCommand("Stop-VM").AddParameter("Name", "run01")));
        Assert.IsType<CommandNotFoundException>(Refused(s => s.AddCommand("Find-DashboardVm")));
        Assert.IsType<CommandNotFoundException>(Refused(s => s.AddCommand("Invoke-Command").AddParameter("ScriptBlock", ScriptBlock.Create("1"))));
        Assert.Equal(VMState.Running, _host.FindVm("run01")!.State);
    }

    [Fact]
    public void The_roles_hold_exactly_the_module_functions_a_viewer_reads_and_an_operator_runs()
    {
        using var viewer = RunspaceFactory.CreateRunspace(endpoint.SessionFor(JeaEndpoint.Viewer, _host));
        using var @operator = RunspaceFactory.CreateRunspace(endpoint.SessionFor(JeaEndpoint.Operator, _host));
        viewer.Open();
        @operator.Open();

        static List<string> Visible(Runspace runspace)
        {
            using var shell = System.Management.Automation.PowerShell.Create();
            shell.Runspace = runspace;
            return [.. shell.AddCommand("Get-Command").AddParameter("Module", HostTools.ModuleName).Invoke().Select(c => c.Properties["Name"].Value.ToString()!).Order(StringComparer.OrdinalIgnoreCase)];
        }

        Assert.Equal(HostTools.ViewerFunctions.Order(StringComparer.OrdinalIgnoreCase), Visible(viewer));
        Assert.Equal(HostTools.OperatorFunctions.Order(StringComparer.OrdinalIgnoreCase), Visible(@operator));
        // Every script the engine sends has its function, so no operation falls outside the module.
        Assert.All(Enum.GetValues<HostScript>(), script => Assert.Contains(HostTools.FunctionName(script), HostTools.OperatorFunctions));
    }

    [Fact]
    public async Task A_module_made_from_other_scripts_is_named_with_its_fix_before_any_command()
    {
        // The module of another build answers with its own version and fingerprint; an alias (which wins over a
        // function of the same name) stands in for it here.
        var state = endpoint.SessionFor(JeaEndpoint.Operator, _host);
        state.Commands.Add(new SessionStateFunctionEntry("Get-OlderHostTools", "[pscustomobject]@{ Version = '0.9.0'; Fingerprint = '0000000000000000' }"));
        state.Commands.Add(new SessionStateAliasEntry(HostTools.VersionFunction, "Get-OlderHostTools"));
        var session = new HostSession("Old JEA host", TimeSpan.FromSeconds(30), () => new HostConnection.Pool(RunspaceFactory.CreateRunspacePool(state)), invocation: HostInvocation.ByName);
        await using var host = new PowerShellHyperVHost(session);

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.SetNestedVirtualizationAsync(Id("off01"), true));

        Assert.Contains($"The host's {HostTools.ModuleName} is version 0.9.0 (fingerprint 0000000000000000); this dashboard needs version {HostTools.Version} (fingerprint {HostTools.Fingerprint}).", error.Message, StringComparison.Ordinal);
        Assert.Contains("Enable-NestedHvDashboardAccess.ps1 -Jea", error.Message, StringComparison.Ordinal);
        Assert.False(_host.FindVm("off01")!.ExposeVirtualizationExtensions);
    }

    [Fact]
    public async Task An_endpoint_without_the_module_is_named_with_its_fix()
    {
        var session = new HostSession("Plain host", TimeSpan.FromSeconds(30), () => new HostConnection.Pool(RunspaceFactory.CreateRunspacePool(SimulatorModuleState())), invocation: HostInvocation.ByName);
        await using var host = new PowerShellHyperVHost(session);

        var error = await Assert.ThrowsAsync<HostOperationException>(() => host.GetInventoryAsync());

        Assert.Contains($"The endpoint has no {HostTools.ModuleName} module", error.Message, StringComparison.Ordinal);
    }

    // A full-language session with the simulator but not the module (nor module autoloading, which would find the
    // fixture's exported module on PSModulePath).
    private InitialSessionState SimulatorModuleState()
    {
        var state = NestedHvDashboard.Simulator.SimulatorModule.CreateSessionState(_host);
        state.Variables.Add(new SessionStateVariableEntry("PSModuleAutoLoadingPreference", PSModuleAutoLoadingPreference.None, "No autoloading."));
        return state;
    }

    [Fact]
    public void The_module_runs_on_Windows_PowerShell_5_1_like_the_scripts_it_is_made_of()
    {
        var text = HostTools.ModuleText();
        var check = new Compatibility.WindowsPowerShell51Check(
            Compatibility.CmdletTable.Load(), Compatibility.WindowsPowerShell51Check.FunctionsIn([text]), Compatibility.ScriptCompatibilityTests.NativePrograms);

        var findings = check.Check(HostTools.ModuleName + ".psm1", text);

        Assert.True(findings.Count == 0, "Windows PowerShell 5.1 lacks:\n" + string.Join("\n", findings));
        Assert.All(Enum.GetValues<HostScript>(), script => Assert.Contains("function " + HostTools.FunctionName(script) + " {", text, StringComparison.Ordinal));
        Assert.DoesNotContain("function global:", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HostTransport.WinRm, HostTools.EndpointName, true)]
    [InlineData(HostTransport.WinRm, "LabJea", true)]
    [InlineData(HostTransport.WinRm, null, false)]
    [InlineData(HostTransport.WinRm, "Microsoft.PowerShell", false)]
    [InlineData(HostTransport.WinRm, "PowerShell.7", false)]
    [InlineData(HostTransport.WinRm, "PowerShell.7.6.9", false)]
    [InlineData(HostTransport.Ssh, null, false)]
    public void A_custom_WinRM_endpoint_is_taken_for_the_JEA_one(HostTransport transport, string? endpointName, bool byName)
    {
        var settings = new HostConnectionSettings { Name = "h", Address = "h.lab", Transport = transport, ConfigurationName = endpointName };

        Assert.Equal(byName, HostTools.UsesEndpointFunctions(settings));
    }
}
