using System.Collections;
using System.Management.Automation.Language;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.PowerShell.Tests.Compatibility;

/// <summary>
/// Real hosts run Windows PowerShell 5.1 behind the default WinRM endpoint, and so do guests reached by PowerShell
/// Direct: every script the engine sends must parse and bind there. Checked statically (no 5.1 runs here) against a
/// table written from Microsoft's 5.1 documentation; the samples prove each rule can fail.
/// </summary>
public sealed class ScriptCompatibilityTests
{
    private static readonly CmdletTable Table = CmdletTable.Load();

    // Commands the engine does not call, used by the samples below; their 5.1 parameters from the 5.1 documentation
    // (reference/5.1/Microsoft.PowerShell.Utility/ConvertFrom-Json.md, reference/5.1/Microsoft.PowerShell.Management/Get-Content.md).
    private static readonly CmdletTable SampleTable = CmdletTable.Parse(
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Compatibility", "WindowsPowerShell51Cmdlets.tsv")).Concat(
        [
            "ConvertFrom-Json\tMicrosoft.PowerShell.Utility\tInputObject\treference/5.1/Microsoft.PowerShell.Utility/ConvertFrom-Json.md",
            "Get-Content\tMicrosoft.PowerShell.Management\tReadCount,TotalCount|First|Head,Tail|Last,Path,LiteralPath|PSPath,Filter,Include,Exclude,Force,Credential,UseTransaction|usetx,Delimiter,Wait,Raw,Encoding,Stream\treference/5.1/Microsoft.PowerShell.Management/Get-Content.md",
        ]));

    // The native programs the engine's scripts call: bcdedit.exe is in System32 on every supported Windows (the guest read asks it
    // for hypervisorlaunchtype; Microsoft's BCDEdit /enum documentation).
    internal static readonly IReadOnlySet<string> NativePrograms = new HashSet<string>(["bcdedit.exe"], StringComparer.OrdinalIgnoreCase);

    private static WindowsPowerShell51Check EngineCheck() =>
        new(Table, WindowsPowerShell51Check.FunctionsIn(EngineScripts.Files().Select(f => f.Text)), NativePrograms, textParameters: new HashSet<string> { ScriptLibrary.InvokerScriptParameter });

    [Fact]
    public void Every_script_file_the_engine_sends_runs_on_Windows_PowerShell_5_1()
    {
        var files = EngineScripts.Files();
        var check = EngineCheck();

        var findings = files.SelectMany(file => check.Check(file.Source, file.Text)).ToList();

        // Every HostScript has its file, plus the shared Common.ps1: nothing the engine sends is left out.
        Assert.Equal(
            Enum.GetNames<HostScript>().Append("Common").Select(name => $"Scripts/{name}.ps1").Order(StringComparer.Ordinal),
            files.Select(f => f.Source).Order(StringComparer.Ordinal));
        Assert.True(findings.Count == 0, "Windows PowerShell 5.1 lacks:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void Every_script_as_composed_and_sent_runs_on_Windows_PowerShell_5_1()
    {
        var check = EngineCheck();

        var findings = EngineScripts.AsSent().SelectMany(script => check.Check(script.Source, script.Text)).ToList();

        Assert.True(findings.Count == 0, "Windows PowerShell 5.1 lacks:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void The_guest_set_up_commands_travelling_as_data_are_allow_listed_and_bind_on_5_1()
    {
        var guestSteps = EngineScripts.Files().Single(f => f.Source == "Scripts/GuestSteps.ps1").Text;
        var allowed = WindowsPowerShell51Check.AllowedCommands(Parser.ParseInput(guestSteps, out _, out _));
        var setUp = NatNetworkPlan.Create(new NatNetworkRequest("192.168.0.0/24", "192.168.0.1", null, "VmNAT", "LocalNAT"), GuestNetworkState.Empty).Plan!;
        var removal = NatNetworkRemovalPlan.Create(new GuestNetworkState(["OldSwitch"], [new GuestNat("OldNAT", "172.20.0.0/16")], []), "OldNAT", "OldSwitch").Plan!;

        var steps = setUp.Commands.Select(PowerShellHyperVHost.StepWithUndo).Concat(removal.Commands.Select(c => PowerShellHyperVHost.Step(c, null))).ToList();
        var commands = steps.Concat(steps.Select(s => s["Undo"]).OfType<Hashtable>()).ToList();

        Assert.Equal(["New-VMSwitch", "New-NetIPAddress", "New-NetNat", "Remove-NetNat", "Remove-VMSwitch", "Remove-VMSwitch", "Remove-NetNat"], commands.Select(c => (string)c["Name"]!));
        Assert.All(commands, command =>
        {
            var name = (string)command["Name"]!;
            Assert.Contains(name, allowed);
            Assert.True(Table.TryGet(name, out var entry), $"{name} is not in the 5.1 table");
            foreach (string parameter in ((Hashtable)command["Parameters"]!).Keys)
            {
                Assert.True(entry.Parameters.Contains(parameter), $"{name} has no parameter -{parameter} in Windows PowerShell 5.1 ({entry.Source})");
            }
        });
    }

    [Theory]
    [InlineData("$y = $x ? 1 : 2", "the ternary operator ?:")]
    [InlineData("$y = $x ?? 1", "the null-coalescing operator ??")]
    [InlineData("$x ??= 1", "the null-coalescing assignment ??=")]
    [InlineData("${x}?.Name", "the null-conditional member access ?.")]
    [InlineData("${x}?[0]", "the null-conditional index ?[]")]
    [InlineData("Get-VM && Get-VMSwitch", "a pipeline chain (&& or ||)")]
    [InlineData("Get-VM || Get-VMSwitch", "a pipeline chain (&& or ||)")]
    [InlineData("function Get-Thing { clean { } }", "a clean block")]
    [InlineData("Get-VM &", "the background operator &")]
    [InlineData("'a' -replace 'a', { 'b' }", "-replace with a script block")]
    [InlineData("Invoke-RestMethod -Uri 'http://127.0.0.1:1/' -NoProxy", "Invoke-RestMethod has no parameter -NoProxy")]
    [InlineData("Invoke-RestMethod -Uri 'https://127.0.0.1:1/' -SkipCertificateCheck", "Invoke-RestMethod has no parameter -SkipCertificateCheck")]
    [InlineData("'{}' | ConvertFrom-Json -AsHashtable", "ConvertFrom-Json has no parameter -AsHashtable")]
    [InlineData("'{}' | ConvertFrom-Json -Depth 5", "ConvertFrom-Json has no parameter -Depth")]
    [InlineData("1, 2 | ForEach-Object -Parallel { $_ }", "ForEach-Object has no parameter -Parallel")]
    [InlineData("Get-Content -Path 'a' -AsByteStream", "Get-Content has no parameter -AsByteStream")]
    [InlineData("Start-Sleep -Duration ([TimeSpan]::FromSeconds(1))", "Start-Sleep has no parameter -Duration")]
    [InlineData("Get-VM -ProgressAction SilentlyContinue", "Get-VM has no parameter -ProgressAction")]
    [InlineData("$p = @{ Uri = 'http://127.0.0.1:1/'; NoProxy = $true }; Invoke-RestMethod @p", "Invoke-RestMethod has no parameter -NoProxy (splatted from @p)")]
    [InlineData("$p = @{ Uri = 'http://127.0.0.1:1/' }; $p.NoProxy = $true; Invoke-RestMethod @p", "Invoke-RestMethod has no parameter -NoProxy (splatted from @p)")]
    [InlineData("Invoke-RestMethod @args", "whose keys are not a literal hashtable")]
    [InlineData("Get-Error", "Get-Error is not in the Windows PowerShell 5.1 cmdlet table")]
    [InlineData("& $commandName -Name x", "the command '$commandName' is computed")]
    [InlineData("if ($IsWindows) { }", "$IsWindows exists only in PowerShell 6+")]
    [InlineData("$IsCoreCLR", "$IsCoreCLR exists only in PowerShell 6+")]
    [InlineData("$PSStyle.Reset", "$PSStyle exists only in PowerShell 6+")]
    [InlineData("[Math]::Clamp(5, 0, 3)", "[Math]::Clamp is missing from .NET Framework 4.x")]
    [InlineData("[System.Convert]::ToHexString([byte[]]@(1))", "[System.Convert]::ToHexString is missing from .NET Framework 4.x")]
    [InlineData("$client = [System.Net.Http.HttpClient]::new()", "[System.Net.Http.HttpClient] is missing from .NET Framework 4.x")]
    [InlineData("[semver]$v = '1.0.0'", "[semver] is missing from .NET Framework 4.x")]
    [InlineData("Get-DashboardSample -Wrong 1", "Get-DashboardSample has no parameter -Wrong")]
    public void A_sample_with_what_5_1_lacks_fails_naming_file_line_and_what(string secondLine, string expected)
    {
        var functions = WindowsPowerShell51Check.FunctionsIn(["function Get-DashboardSample { param([int] $Right) }"]);
        var check = new WindowsPowerShell51Check(SampleTable, functions);

        var findings = check.Check("sample.ps1", "$ErrorActionPreference = 'Stop'\n" + secondLine + "\n");

        Assert.Contains(findings, f => f.ToString().StartsWith("sample.ps1:2: ", StringComparison.Ordinal) && f.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("param([string] $Text)\n$made = [scriptblock]::Create($Text)\n& $made", "Text", true)]
    [InlineData("param([string] $Text)\n$made = [scriptblock]::Create($Text)\n& $made", "Other", false)]
    [InlineData("param([string] $Text)\n$made = [scriptblock]::Create('Get-Error')\n& $made", "Text", false)]
    [InlineData("param([string] $Text)\n$made = [scriptblock]::Create($Local)\n& $made", "Local", false)]
    [InlineData("param([string] $Text)\n$made = [scriptblock]::Create($Text)\n$made = $other\n& $made", "Text", false)]
    public void A_script_block_made_from_text_runs_only_from_a_parameter_whose_texts_are_checked_on_their_own(string script, string textParameter, bool passes)
    {
        var check = new WindowsPowerShell51Check(SampleTable, WindowsPowerShell51Check.FunctionsIn([]), textParameters: new HashSet<string> { textParameter });

        var findings = check.Check("sample.ps1", script);

        Assert.Equal(passes, findings.Count == 0);
        if (!passes)
        {
            Assert.Contains(findings, f => f.Message.Contains("the command '$made' is computed", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_sample_of_what_5_1_has_passes()
    {
        var check = new WindowsPowerShell51Check(SampleTable, WindowsPowerShell51Check.FunctionsIn(["function Get-DashboardSample { param([int] $Right) }"]));
        const string script = """
            $ErrorActionPreference = 'Stop'
            $direct = New-Object -TypeName Microsoft.PowerShell.Commands.WebRequestSession
            $p = @{ Uri = 'http://127.0.0.1:1/'; TimeoutSec = 2 }
            $p.Headers = @{ Metadata = 'true' }
            $answer = Invoke-RestMethod @p -WebSession $direct -ErrorAction Stop
            $value = if ($null -eq $answer) { 'none' } else { [string]$answer }
            $run = { param($Row) $Row }
            & $run $value | ForEach-Object { $_ } | Where-Object { $_ -ne '' } | Sort-Object
            Get-DashboardSample -Right 1 -Verbose
            Start-Sleep -m 1
            Get-Content -Path 'a' -Encoding Byte -TotalCount 1
            [string]::Join(',', @('a')) -replace 'a', 'b'
            """;

        Assert.Empty(check.Check("good.ps1", script));
    }

    [Fact]
    public void Every_line_of_the_table_names_its_documentation()
    {
        Assert.All(Table.Entries, entry =>
        {
            Assert.Matches(@"^(MicrosoftDocs/(PowerShell-Docs reference/5\.1/|windows-powershell-docs docset/winserver2016-ps/)|learn\.microsoft\.com/powershell/module/)", entry.Source);
            Assert.True(entry.Parameters.Count > CmdletTable.CommonParameters.Count, $"{entry.Name} lists no parameters of its own");
        });
    }
}
