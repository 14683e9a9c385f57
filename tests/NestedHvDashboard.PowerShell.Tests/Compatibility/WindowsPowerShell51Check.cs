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
/// </summary>
internal sealed class WindowsPowerShell51Check(
    CmdletTable table,
    IReadOnlyDictionary<string, IReadOnlySet<string>> scriptFunctions,
    IReadOnlySet<string>? nativePrograms = null,
    IReadOnlySet<string>? siblingScripts = null)
{
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

    // The native programs an expression names: a literal 'x.exe', Join-Path <folder> 'x.exe', or a variable whose every value in the
    // script is one of those. Null when any value is something else, so the command stays unchecked and is reported.
    private static List<string>? NativeProgramsNamedBy(ScriptBlockAst script, Ast expression, int depth)
    {
        if (depth > 8)
        {
            return null;
        }

        switch (expression)
        {
            case StringConstantExpressionAst constant when IsNativeProgram(constant.Value):
                return [FileName(constant.Value)];
            case ParenExpressionAst paren:
                return NativeProgramsNamedBy(script, paren.Pipeline, depth + 1);
            case PipelineAst { PipelineElements: [var only] }:
                return NativeProgramsNamedBy(script, only, depth + 1);
            case CommandExpressionAst commandExpression:
                return NativeProgramsNamedBy(script, commandExpression.Expression, depth + 1);
            case CommandAst joinPath when string.Equals(joinPath.GetCommandName(), "Join-Path", StringComparison.OrdinalIgnoreCase)
                && joinPath.CommandElements[^1] is StringConstantExpressionAst child && IsNativeProgram(child.Value):
                return [FileName(child.Value)];
            case VariableExpressionAst variable:
                var values = PossibleValues(script, variable, depth + 1);
                if (values.Count == 0)
                {
                    return null;
                }

                var programs = new List<string>();
                foreach (var value in values)
                {
                    if (NativeProgramsNamedBy(script, value, depth + 1) is not { } named)
                    {
                        return null;
                    }

                    programs.AddRange(named);
                }

                return [.. programs.Distinct(StringComparer.OrdinalIgnoreCase)];
            default:
                return null;
        }
    }

    // Every value the script can give a variable. A parameter of the function around it: what the function assigns to it and what
    // the script's calls of that function pass for it (by name). Any other variable: what the script assigns to it.
    private static List<Ast> PossibleValues(ScriptBlockAst script, VariableExpressionAst variable, int depth)
    {
        var name = variable.VariablePath.UserPath;
        Ast? function = variable.Parent;
        while (function is not null and not FunctionDefinitionAst)
        {
            function = function.Parent;
        }

        if (depth > 8 || function is not FunctionDefinitionAst definition
            || !(definition.Body.ParamBlock?.Parameters ?? (IEnumerable<ParameterAst>?)definition.Parameters ?? []).Any(p => string.Equals(p.Name.VariablePath.UserPath, name, StringComparison.OrdinalIgnoreCase)))
        {
            return [.. AssignedValues(script, name)];
        }

        var values = AssignedValues(definition.Body, name).ToList();
        foreach (var call in script.FindAll(node => node is CommandAst c && string.Equals(c.GetCommandName(), definition.Name, StringComparison.OrdinalIgnoreCase), true).Cast<CommandAst>())
        {
            var elements = call.CommandElements;
            for (var i = 1; i < elements.Count; i++)
            {
                if (elements[i] is CommandParameterAst given && string.Equals(given.ParameterName, name, StringComparison.OrdinalIgnoreCase)
                    && (given.Argument ?? (i + 1 < elements.Count ? elements[i + 1] : null)) is { } argument)
                {
                    values.Add(argument);
                }
            }
        }

        return values;
    }

    /// <summary>The names in the script's <c>$allowed = 'A', 'B'</c> list (commands it runs as data); empty when it has none.</summary>
    public static IReadOnlyList<string> AllowedCommands(ScriptBlockAst script) =>
        [.. AssignedValues(script, "allowed").SelectMany(value => value.FindAll(node => node is StringConstantExpressionAst, true)).Cast<StringConstantExpressionAst>().Select(s => s.Value)];

    private static IEnumerable<Ast> AssignedValues(ScriptBlockAst script, string variable) =>
        script.FindAll(node => node is AssignmentStatementAst { Left: VariableExpressionAst left } && string.Equals(left.VariablePath.UserPath, variable, StringComparison.OrdinalIgnoreCase), true)
            .Cast<AssignmentStatementAst>()
            .Select(assignment => assignment.Right switch
            {
                CommandExpressionAst expression => expression.Expression,
                PipelineAst { PipelineElements: [CommandExpressionAst expression] } => expression.Expression,
                var other => (Ast)other,
            });

    // The keys a splatted variable can hold: those of the literal hashtables assigned to it and of $name.Key / $name['Key'] assignments.
    private static List<string>? SplattedKeys(ScriptBlockAst script, string variable)
    {
        var literals = AssignedValues(script, variable).OfType<HashtableAst>().ToList();
        if (literals.Count == 0)
        {
            return null;
        }

        var keys = literals.SelectMany(h => h.KeyValuePairs).Select(pair => pair.Item1).OfType<StringConstantExpressionAst>().Select(k => k.Value).ToList();
        foreach (var assignment in script.FindAll(node => node is AssignmentStatementAst, true).Cast<AssignmentStatementAst>())
        {
            var target = assignment.Left switch
            {
                MemberExpressionAst { Expression: VariableExpressionAst v, Member: StringConstantExpressionAst m } when Same(v, variable) => m.Value,
                IndexExpressionAst { Target: VariableExpressionAst v, Index: StringConstantExpressionAst i } when Same(v, variable) => i.Value,
                _ => null,
            };
            if (target is not null)
            {
                keys.Add(target);
            }
        }

        return keys;
    }

    private static bool Same(VariableExpressionAst variable, string name) => string.Equals(variable.VariablePath.UserPath, name, StringComparison.OrdinalIgnoreCase);

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
