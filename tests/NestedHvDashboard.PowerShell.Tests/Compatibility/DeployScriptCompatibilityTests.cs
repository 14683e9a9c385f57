using System.Management.Automation.Language;

namespace NestedHvDashboard.PowerShell.Tests.Compatibility;

/// <summary>
/// The deploy scripts (deploy/**/*.ps1) run on the management box and on Hyper-V hosts, which may have only Windows
/// PowerShell 5.1: each must parse, and call only what 5.1 has, checked statically against a table written from
/// Microsoft's 5.1 and Windows Server 2016 documentation (Compatibility/DeployScripts51Cmdlets.tsv). Each also promises
/// -WhatIf, but for a file another one dot-sources, which runs inside it. The samples prove the native-program and
/// dot-source rules can fail.
/// </summary>
public sealed class DeployScriptCompatibilityTests
{
    private static readonly CmdletTable Table = CmdletTable.Load(CmdletTable.DeployTable);

    [Fact]
    public void The_deploy_scripts_are_found_and_include_the_installer_and_the_host_script()
    {
        var sources = DeployScripts.Files().Select(f => f.Source).ToList();

        // The glob must not silently match nothing (a moved folder, a wrong root): the two shipped scripts are there.
        Assert.NotEmpty(sources);
        Assert.Contains("deploy/windows/Install-NestedHvDashboard.ps1", sources);
        Assert.Contains("deploy/hosts/Enable-NestedHvDashboardAccess.ps1", sources);
    }

    [Fact]
    public void Every_deploy_script_parses()
    {
        var errors = DeployScripts.Files()
            .SelectMany(file =>
            {
                Parser.ParseInput(file.Text, out _, out var parseErrors);
                return parseErrors.Select(e => $"{file.Source}:{e.Extent.StartLineNumber}: {e.Message}");
            })
            .ToList();

        Assert.True(errors.Count == 0, "PowerShell cannot parse:\n" + string.Join("\n", errors));
    }

    [Fact]
    public void Every_deploy_script_runs_on_Windows_PowerShell_5_1()
    {
        var files = DeployScripts.Files();

        // Each script on its own: its functions are its own and those of the files it dot-sources from beside it, and
        // nothing else is loaded when it runs.
        var findings = files
            .SelectMany(file =>
            {
                var sourced = DeployScripts.DotSourcedBy(file, files);
                var functions = WindowsPowerShell51Check.FunctionsIn([file.Text, .. sourced.Select(s => s.Text)]);
                var siblings = sourced.Select(s => Path.GetFileName(s.Source)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                return new WindowsPowerShell51Check(Table, functions, DeployScripts.NativePrograms, siblings).Check(file.Source, file.Text);
            })
            .ToList();

        Assert.NotEmpty(files);
        Assert.True(findings.Count == 0, "Windows PowerShell 5.1 lacks:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void Every_deploy_script_promises_WhatIf()
    {
        var files = DeployScripts.Files();
        var sourced = files.SelectMany(file => DeployScripts.DotSourcedBy(file, files)).Select(s => s.Source).ToHashSet(StringComparer.Ordinal);

        // A dot-sourced file runs inside the script that loads it, under that script's -WhatIf.
        var missing = files
            .Where(file => !sourced.Contains(file.Source) && !SupportsShouldProcess(Parser.ParseInput(file.Text, out _, out _)))
            .Select(file => file.Source)
            .ToList();

        Assert.True(missing.Count == 0, "No [CmdletBinding(SupportsShouldProcess = $true)] on the script's param block, so -WhatIf does not exist:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_line_of_the_deploy_table_names_its_documentation()
    {
        Assert.All(Table.Entries, entry =>
        {
            Assert.Matches(@"^MicrosoftDocs/(PowerShell-Docs reference/5\.1/|windows-powershell-docs docset/winserver2016-ps/)\S+\.(md|yml)$", entry.Source);
            Assert.True(entry.Parameters.Count > CmdletTable.CommonParameters.Count, $"{entry.Name} lists no parameters of its own");
        });
    }

    [Theory]
    [InlineData("robocopy.exe C:\\a C:\\b", "robocopy.exe is a native program that is not in the allow list")]
    [InlineData("icalcs.exe C:\\a /grant 'x:R'", "icalcs.exe is a native program that is not in the allow list")]
    [InlineData("C:\\Tools\\winget.exe install x", "C:\\Tools\\winget.exe is a native program that is not in the allow list")]
    [InlineData("& (Join-Path $PSHOME 'pwsh.exe') -NoLogo", "pwsh.exe is a native program that is not in the allow list")]
    [InlineData("$tool = Join-Path $env:windir 'System32\\dism.exe'; & $tool /online", "dism.exe is a native program that is not in the allow list")]
    [InlineData("function Invoke-Tool { param([string] $Exe) & $Exe }; Invoke-Tool -Exe 'choco.exe'", "choco.exe is a native program that is not in the allow list")]
    [InlineData("function Invoke-Block { param($Command) & $Command }; Invoke-Block -Command 'Get-Error'", "the command '$Command' is computed")]
    public void A_sample_native_program_not_allow_listed_fails(string secondLine, string expected)
    {
        var check = new WindowsPowerShell51Check(Table, WindowsPowerShell51Check.FunctionsIn([secondLine]), new HashSet<string>(["icacls.exe", "sc.exe"]));

        var findings = check.Check("sample.ps1", "$ErrorActionPreference = 'Stop'\n" + secondLine + "\n");

        Assert.Contains(findings, f => f.ToString().StartsWith("sample.ps1:2: ", StringComparison.Ordinal) && f.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_dot_sourced_script_the_check_was_not_given_fails()
    {
        var check = new WindowsPowerShell51Check(Table, WindowsPowerShell51Check.FunctionsIn([]), siblingScripts: new HashSet<string>(["Helpers.ps1"]));

        var findings = check.Check("sample.ps1", ". (Join-Path $PSScriptRoot 'Helpers.ps1')\n. (Join-Path $PSScriptRoot 'Other.ps1')\n");

        var finding = Assert.Single(findings);
        Assert.Equal("sample.ps1:2: Other.ps1 is dot-sourced but is not a script this check was given to load beside it (Helpers.ps1)", finding.ToString());
    }

    [Fact]
    public void A_native_program_is_not_allowed_without_an_allow_list()
    {
        var check = new WindowsPowerShell51Check(Table, WindowsPowerShell51Check.FunctionsIn([]));

        var findings = check.Check("sample.ps1", "icacls.exe C:\\a /grant 'x:R'\n");

        Assert.Contains(findings, f => f.Message.Contains("icacls.exe is a native program that is not in the allow list this check was given (none)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sample_of_allow_listed_native_programs_passes()
    {
        const string script = """
            $ErrorActionPreference = 'Stop'
            function Invoke-Native {
                param([string] $What, [scriptblock] $Command)
                $output = & $Command 2>&1 | Out-String
                if ($LASTEXITCODE -ne 0) { throw "$What failed: $output" }
            }
            function Invoke-Tool {
                param([string] $Exe, [string[]] $Arguments)
                & $Exe @Arguments
            }
            Invoke-Native -What 'acl' -Command { icacls.exe $env:TEMP /grant '*S-1-5-32-544:F' }
            Invoke-Native -What 'service' -Command { sc.exe query 'WinRM' }
            ICACLS.EXE $env:TEMP /inheritance:r
            $sc = Join-Path $env:windir 'System32\sc.exe'
            & $sc query 'WinRM' | Out-Null
            & (Join-Path $env:windir 'System32\icacls.exe') $env:TEMP
            Invoke-Tool -Exe $sc -Arguments @('query')
            """;
        var check = new WindowsPowerShell51Check(Table, WindowsPowerShell51Check.FunctionsIn([script]), new HashSet<string>(["icacls.exe", "sc.exe"]));

        Assert.Empty(check.Check("good.ps1", script));
    }

    private static bool SupportsShouldProcess(ScriptBlockAst script) =>
        script.ParamBlock?.Attributes.Any(attribute =>
            attribute.TypeName.GetReflectionAttributeType() == typeof(System.Management.Automation.CmdletBindingAttribute)
            && attribute.NamedArguments.Any(argument =>
                string.Equals(argument.ArgumentName, "SupportsShouldProcess", StringComparison.OrdinalIgnoreCase)
                && (argument.ExpressionOmitted || argument.Argument is VariableExpressionAst { VariablePath.UserPath: var value } && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)))) == true;
}
