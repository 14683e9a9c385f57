using System.Management.Automation.Language;

namespace NestedHvDashboard.PowerShell.Tests.Compatibility;

/// <summary>One thing Windows PowerShell 5.1 lacks, where it is.</summary>
internal sealed record CompatibilityFinding(string Source, int Line, string Message)
{
    public override string ToString() => $"{Source}:{Line}: {Message}";
}

/// <summary>
/// Reads a script with PowerShell's parser and names everything in it that Windows PowerShell 5.1 (on .NET Framework
/// 4.6.2, Windows Server 2016's) does not have: PowerShell 7 syntax, pwsh-only automatic variables, commands missing
/// from the 5.1 table, parameters a command does not have in 5.1 (also splatted ones), and .NET members .NET Framework lacks.
/// A command named with <c>.exe</c> is a native program, not a cmdlet: it passes only when its file name is in
/// <paramref name="nativePrograms"/> (none by default), so a typo or a program the host may lack is still caught.
/// A script dot-sourced from beside the checked one (<c>. (Join-Path $PSScriptRoot 'Name.ps1')</c>) passes only when its file
/// name is in <paramref name="siblingScripts"/> (none by default); it is checked as a file of its own.
/// A script block the script makes with <c>[scriptblock]::Create($Name)</c> from one of its parameters and then runs passes
/// only when that parameter is in <paramref name="textParameters"/> (none by default): the caller checks every text it
/// gives that parameter as a script of its own (the engine's invoker and the composed scripts it runs).
/// </summary>
internal sealed partial class WindowsPowerShell51Check(
    CmdletTable table,
    IReadOnlyDictionary<string, IReadOnlySet<string>> scriptFunctions,
    IReadOnlySet<string>? nativePrograms = null,
    IReadOnlySet<string>? siblingScripts = null,
    IReadOnlySet<string>? textParameters = null)
{
    private readonly HashSet<string> _textParameters = new(textParameters ?? new HashSet<string>(), StringComparer.OrdinalIgnoreCase);

    private readonly HashSet<string> _nativePrograms = new(nativePrograms ?? new HashSet<string>(), StringComparer.OrdinalIgnoreCase);

    private readonly HashSet<string> _siblingScripts = new(siblingScripts ?? new HashSet<string>(), StringComparer.OrdinalIgnoreCase);

    // Automatic and preference variables that exist only in PowerShell 6+ (about_Automatic_Variables, 7.x).
    private static readonly HashSet<string> PwshOnlyVariables = new(
        ["IsWindows", "IsLinux", "IsMacOS", "IsCoreCLR", "PSStyle", "EnabledExperimentalFeatures", "PSNativeCommandArgumentPassing", "PSNativeCommandUseErrorActionPreference"],
        StringComparer.OrdinalIgnoreCase);

    // Types .NET Framework 4.6.2 does not have (or Windows PowerShell does not load), by name without "System.".
    private static readonly HashSet<string> MissingTypes = new(
        ["Net.Http.HttpClient", "Net.Http.HttpClientHandler", "Text.Json.JsonSerializer", "Text.Json.JsonDocument", "Range", "Index", "HashCode", "Text.Rune",
         "Runtime.InteropServices.RuntimeInformation", "Management.Automation.SemanticVersion", "semver", "Management.Automation.Platform"],
        StringComparer.OrdinalIgnoreCase);

    // Static members added in .NET Core / .NET 5+, by type (without "System.") and member.
    private static readonly HashSet<(string Type, string Member)> MissingStaticMembers =
    [
        ("math", "clamp"), ("convert", "tohexstring"), ("convert", "fromhexstring"), ("io.path", "getrelativepath"), ("io.path", "join"),
        ("environment", "processpath"), ("environment", "processid"), ("operatingsystem", "iswindows"), ("operatingsystem", "islinux"),
        ("operatingsystem", "ismacos"), ("datetime", "unixepoch"), ("random", "shared"), ("io.file", "readalltextasync"), ("io.file", "writealltextasync"),
    ];

    /// <summary>The functions the scripts define (name → parameter names), so calls to them are checked against their own param blocks.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> FunctionsIn(IEnumerable<string> scripts)
    {
        var functions = new Dictionary<string, IReadOnlySet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var script in scripts)
        {
            var ast = Parser.ParseInput(script, out _, out _);
            foreach (var function in ast.FindAll(node => node is FunctionDefinitionAst, searchNestedScriptBlocks: true).Cast<FunctionDefinitionAst>())
            {
                var parameters = new HashSet<string>(CmdletTable.CommonParameters, StringComparer.OrdinalIgnoreCase);
                var declared = function.Body.ParamBlock?.Parameters ?? (IEnumerable<ParameterAst>?)function.Parameters ?? [];
                parameters.UnionWith(declared.Select(p => p.Name.VariablePath.UserPath));
                functions[function.Name.Replace("global:", "", StringComparison.OrdinalIgnoreCase)] = parameters;
            }
        }

        return functions;
    }

    public IReadOnlyList<CompatibilityFinding> Check(string source, string text)
    {
        var findings = new List<CompatibilityFinding>();
        var script = Parser.ParseInput(text, out _, out var errors);
        foreach (var error in errors)
        {
            findings.Add(new(source, error.Extent.StartLineNumber, $"does not parse: {error.Message}"));
        }

        foreach (var node in script.FindAll(_ => true, searchNestedScriptBlocks: true))
        {
            if (Syntax(node) is { } syntax)
            {
                findings.Add(new(source, node.Extent.StartLineNumber, $"{syntax} is PowerShell 7 syntax; Windows PowerShell 5.1 cannot parse it"));
            }
            else if (node is VariableExpressionAst variable && PwshOnlyVariables.Contains(variable.VariablePath.UserPath))
            {
                findings.Add(new(source, node.Extent.StartLineNumber, $"${variable.VariablePath.UserPath} exists only in PowerShell 6+; on 5.1 it is $null"));
            }
            else if (DotNet(node) is { } member)
            {
                findings.Add(new(source, node.Extent.StartLineNumber, $"{member} is missing from .NET Framework 4.x, which Windows PowerShell 5.1 runs on"));
            }
            else if (node is CommandAst command)
            {
                findings.AddRange(CheckCommand(source, script, command));
            }
        }

        return findings;
    }

    private static string? Syntax(Ast node) => node switch
    {
        TernaryExpressionAst => "the ternary operator ?:",
        BinaryExpressionAst { Operator: TokenKind.QuestionQuestion } => "the null-coalescing operator ??",
        AssignmentStatementAst { Operator: TokenKind.QuestionQuestionEquals } => "the null-coalescing assignment ??=",
        MemberExpressionAst { NullConditional: true } => "the null-conditional member access ?.",
        IndexExpressionAst { NullConditional: true } => "the null-conditional index ?[]",
        PipelineChainAst => "a pipeline chain (&& or ||)",
        ScriptBlockAst { CleanBlock: not null } => "a clean block",
        PipelineAst { Background: true } => "the background operator &",
        BinaryExpressionAst { Operator: TokenKind.Ireplace or TokenKind.Creplace, Right: ArrayLiteralAst { Elements: [_, ScriptBlockExpressionAst] } } => "-replace with a script block",
        _ => null,
    };

    private static string? DotNet(Ast node)
    {
        switch (node)
        {
            case TypeExpressionAst type when IsMissingType(type.TypeName):
                return $"[{type.TypeName.FullName}]";
            case TypeConstraintAst constraint when IsMissingType(constraint.TypeName):
                return $"[{constraint.TypeName.FullName}]";
            case MemberExpressionAst { Static: true, Expression: TypeExpressionAst type, Member: StringConstantExpressionAst member }
                when MissingStaticMembers.Contains((Plain(type.TypeName.FullName), member.Value.ToLowerInvariant())):
                return $"[{type.TypeName.FullName}]::{member.Value}";
            default:
                return null;
        }
    }

    private static bool IsMissingType(ITypeName name) =>
        MissingTypes.Contains(Plain(name.FullName)) || (name is GenericTypeName generic && MissingTypes.Contains(Plain(generic.TypeName.FullName)));

    private static string Plain(string typeName) =>
        (typeName.StartsWith("System.", StringComparison.OrdinalIgnoreCase) ? typeName[7..] : typeName).ToLowerInvariant();

    private IEnumerable<CompatibilityFinding> CheckCommand(string source, ScriptBlockAst script, CommandAst command)
    {
        var line = command.Extent.StartLineNumber;
        var name = command.GetCommandName();
        if (name is null)
        {
            foreach (var finding in CheckDynamicCommand(source, script, command))
            {
                yield return finding;
            }

            yield break;
        }

        if (IsNativeProgram(name))
        {
            // A native program's arguments are its own, not PowerShell parameters: only its name is checked.
            if (NativeProblem(name) is { } nativeProblem)
            {
                yield return new(source, line, nativeProblem);
            }

            yield break;
        }

        IReadOnlySet<string> parameters;
        string whose;
        if (scriptFunctions.TryGetValue(name, out var functionParameters))
        {
            (parameters, whose) = (functionParameters, "its param block in the scripts");
        }
        else if (table.TryGet(name, out var entry))
        {
            (parameters, whose) = (entry.Parameters, entry.Source);
        }
        else
        {
            yield return new(source, line, $"{name} is not in the Windows PowerShell 5.1 cmdlet table ({table.Name}): add it with its 5.1 parameters from Microsoft's documentation, or do not call it");
            yield break;
        }

        foreach (var element in command.CommandElements.Skip(1))
        {
            if (element is CommandParameterAst parameter && Problem(parameters, parameter.ParameterName) is { } problem)
            {
                yield return new(source, element.Extent.StartLineNumber, $"{name} {problem} -{parameter.ParameterName} in Windows PowerShell 5.1 ({whose})");
            }
            else if (element is VariableExpressionAst { Splatted: true } splat)
            {
                var keys = SplattedKeys(script, splat.VariablePath.UserPath);
                if (keys is null)
                {
                    yield return new(source, element.Extent.StartLineNumber, $"{name} is given @{splat.VariablePath.UserPath}, whose keys are not a literal hashtable in the script, so its parameters cannot be checked");
                    continue;
                }

                foreach (var key in keys)
                {
                    if (Problem(parameters, key) is { } splatProblem)
                    {
                        yield return new(source, element.Extent.StartLineNumber, $"{name} {splatProblem} -{key} (splatted from @{splat.VariablePath.UserPath}) in Windows PowerShell 5.1 ({whose})");
                    }
                }
            }
        }
    }

    // A command named by data: a variable holding a script block of this script, or a name from the script's $allowed list.
    private IEnumerable<CompatibilityFinding> CheckDynamicCommand(string source, ScriptBlockAst script, CommandAst command)
    {
        var first = command.CommandElements[0];
        if (DotSourcedSibling(command) is { } sibling)
        {
            if (!_siblingScripts.Contains(sibling))
            {
                yield return new(source, command.Extent.StartLineNumber, $"{sibling} is dot-sourced but is not a script this check was given to load beside it ({(_siblingScripts.Count == 0 ? "none" : string.Join(", ", _siblingScripts.Order(StringComparer.OrdinalIgnoreCase)))})");
            }

            yield break;
        }

        if (first is VariableExpressionAst variable && AssignedValues(script, variable.VariablePath.UserPath).Any(value => value is ScriptBlockExpressionAst))
        {
            yield break;
        }

        // [scriptblock]::Create($Text) of a parameter whose every text the caller checks on its own.
        if (first is VariableExpressionAst created
            && AssignedValues(script, created.VariablePath.UserPath).ToList() is { Count: > 0 } values
            && values.All(value => value is InvokeMemberExpressionAst
            {
                Static: true,
                Expression: TypeExpressionAst type,
                Member: StringConstantExpressionAst { Value: var member },
                Arguments: [VariableExpressionAst text],
            } && type.TypeName.FullName.Equals("scriptblock", StringComparison.OrdinalIgnoreCase)
              && member.Equals("Create", StringComparison.OrdinalIgnoreCase)
              && _textParameters.Contains(text.VariablePath.UserPath)
              && script.ParamBlock?.Parameters.Any(p => p.Name.VariablePath.UserPath.Equals(text.VariablePath.UserPath, StringComparison.OrdinalIgnoreCase)) == true))
        {
            yield break;
        }

        // A script block parameter of the enclosing function (Invoke-Native -Command { ... }): every value the script passes is a
        // script block written in the script, so its commands are checked where they are written.
        if (first is VariableExpressionAst parameter && PossibleValues(script, parameter, 0) is { Count: > 0 } blocks && blocks.All(value => value is ScriptBlockExpressionAst))
        {
            yield break;
        }

        // A native program reached by path (& (Join-Path $folder 'tool.exe'), or a variable or parameter holding such a path).
        if (NativeProgramsNamedBy(script, first, 0) is { Count: > 0 } programs)
        {
            foreach (var program in programs)
            {
                if (NativeProblem(program) is { } nativeProblem)
                {
                    yield return new(source, command.Extent.StartLineNumber, nativeProblem);
                }
            }

            yield break;
        }

        if (first is MemberExpressionAst && AllowedCommands(script) is { Count: > 0 } allowed)
        {
            foreach (var name in allowed.Where(name => !table.TryGet(name, out _)))
            {
                yield return new(source, command.Extent.StartLineNumber, $"the allow-listed command {name} is not in the Windows PowerShell 5.1 cmdlet table");
            }

            yield break;
        }

        yield return new(source, command.Extent.StartLineNumber, $"the command '{first.Extent.Text}' is computed and not a script block of this script or a name from its $allowed list, so it cannot be checked");
    }

    /// <summary>The file names of the scripts a script dot-sources from its own folder: <c>. (Join-Path $PSScriptRoot 'Name.ps1')</c>.</summary>
    public static IReadOnlyList<string> DotSourcedSiblings(ScriptBlockAst script) =>
        [.. script.FindAll(node => node is CommandAst, searchNestedScriptBlocks: true).Cast<CommandAst>().Select(DotSourcedSibling).OfType<string>()];

    private static string? DotSourcedSibling(CommandAst command) =>
        command is { InvocationOperator: TokenKind.Dot, CommandElements: [ParenExpressionAst { Pipeline: PipelineAst { PipelineElements: [CommandAst joinPath] } }] }
        && string.Equals(joinPath.GetCommandName(), "Join-Path", StringComparison.OrdinalIgnoreCase)
        && joinPath.CommandElements is [_, VariableExpressionAst { VariablePath.UserPath: var folder }, StringConstantExpressionAst { Value: var name }]
        && string.Equals(folder, "PSScriptRoot", StringComparison.OrdinalIgnoreCase)
        && name.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) && name.IndexOfAny(['\\', '/']) < 0
            ? name
            : null;

    private static bool IsNativeProgram(string name) => name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase);

    private static string FileName(string path) => path[(path.LastIndexOfAny(['\\', '/']) + 1)..];

    private string? NativeProblem(string name) =>
        _nativePrograms.Contains(FileName(name))
            ? null
            : $"{name} is a native program that is not in the allow list this check was given ({(_nativePrograms.Count == 0 ? "none" : string.Join(", ", _nativePrograms.Order(StringComparer.OrdinalIgnoreCase)))}): add it there if every supported Windows has it, or do not call it";

    // PowerShell's own rule: a parameter is its full name, an alias, or an unambiguous prefix of one.
    private static string? Problem(IReadOnlySet<string> parameters, string given)
    {
        if (parameters.Contains(given))
        {
            return null;
        }

        var matches = parameters.Where(p => p.StartsWith(given, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => null,
            0 => "has no parameter",
            _ => $"has several parameters ({string.Join(", ", matches)}) starting with",
        };
    }
}
