using System.Management.Automation.Language;

namespace NestedHvDashboard.PowerShell.Tests.Compatibility;

// What the check knows of a script's data flow: the values a variable can hold, the commands a script runs by name, the keys it splats.
internal sealed partial class WindowsPowerShell51Check
{
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
}
