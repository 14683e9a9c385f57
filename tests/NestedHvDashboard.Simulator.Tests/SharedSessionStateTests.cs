using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// The in-process session state: built once and copied per host, with the module's commands added directly, so no
/// runspace imports the module again (hundreds of simulated hosts each importing it stalled the app's start).
/// </summary>
public sealed class SharedSessionStateTests
{
    [Fact]
    public void No_runspace_imports_the_module_the_commands_are_in_the_session_state_itself()
    {
        var state = SimulatorModule.CreateSessionState(TestHosts.Create());

        Assert.Empty(state.Modules);
        Assert.Contains(state.Commands, c => c is SessionStateCmdletEntry { Name: "Get-VM" });
        Assert.Contains(state.Commands, c => c is SessionStateCmdletEntry { Name: "Invoke-SimulatedGuestCommand" });
        Assert.Contains(state.Commands, c => c is SessionStateFunctionEntry { Name: "netsh" });
        Assert.Contains(state.Commands, c => c is SessionStateAliasEntry { Name: "Get-VMCheckpoint", Definition: "Get-VMSnapshot" });
        Assert.Contains(state.Commands, c => c is SessionStateAliasEntry { Name: "Invoke-RestMethod", Definition: "Invoke-SimulatedRestMethod" });
    }

    [Fact]
    public void Every_command_the_manifest_exports_is_there_as_its_kind()
    {
        using var session = new SimulatorSession(TestHosts.Create());
        var manifest = session.Run("param($p) Import-PowerShellDataFile -LiteralPath $p", new System.Collections.Hashtable { ["p"] = SimulatorModule.ManifestPath })
            .Succeeded().Output.Single().BaseObject as System.Collections.Hashtable;
        Assert.NotNull(manifest);

        foreach (var (key, type) in new[] { ("CmdletsToExport", CommandTypes.Cmdlet), ("FunctionsToExport", CommandTypes.Function), ("AliasesToExport", CommandTypes.Alias) })
        {
            var names = ((object[])manifest[key]!).Cast<string>().ToList();
            Assert.NotEmpty(names);
            foreach (var name in names)
            {
                var found = session.Run("param($n) Get-Command -Name $n", new System.Collections.Hashtable { ["n"] = name }).Succeeded().Output;
                Assert.Equal(type, Assert.IsAssignableFrom<CommandInfo>(Assert.Single(found).BaseObject).CommandType);
            }
        }
    }

    [Fact]
    public void Copies_of_the_shared_state_stay_bound_to_their_own_host()
    {
        using var first = new SimulatorSession(TestHosts.Create("HV-ONE"));
        using var second = new SimulatorSession(TestHosts.Create("HV-TWO"));

        Assert.Equal("HV-ONE", first.Run("(Get-VMHost).Name").Succeeded().Output.Single().BaseObject);
        Assert.Equal("HV-TWO", second.Run("(Get-VMHost).Name").Succeeded().Output.Single().BaseObject);
    }
}
