using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Reflection;

namespace NestedHvDashboard.Simulator;

/// <summary>
/// The simulator's commands as one session state, built once per process and cloned for every in-process host.
/// Importing the module instead made every runspace read the manifest, load the script module and bind its
/// types again: with hundreds of simulated hosts that was most of the start-up time and thread-pool pressure.
/// </summary>
internal static class SimulatorSessionState
{
    private static readonly Lock Gate = new();
    private static InitialSessionState? template;

    /// <summary>A fresh copy of the default session state plus every simulator cmdlet, alias and function.</summary>
    public static InitialSessionState Create()
    {
        lock (Gate)
        {
            template ??= Build();
            return template.Clone();
        }
    }

    private static InitialSessionState Build()
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in typeof(SimulatorSessionState).Assembly.GetTypes())
        {
            if (type.IsAbstract || type.GetCustomAttribute<CmdletAttribute>() is not { } cmdlet)
            {
                continue;
            }

            var name = cmdlet.VerbName + "-" + cmdlet.NounName;
            state.Commands.Add(new SessionStateCmdletEntry(name, type, null));
            foreach (var alias in type.GetCustomAttribute<AliasAttribute>()?.AliasNames ?? [])
            {
                state.Commands.Add(new SessionStateAliasEntry(alias, name));
            }
        }

        AddScriptModule(state, Path.Combine(SimulatorModule.ModuleDirectory, SimulatorModule.ModuleName + ".psm1"));
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        return state;
    }

    // The script half (.psm1): its top-level functions and its Set-Alias -Name <alias> -Value <command> lines.
    private static void AddScriptModule(InitialSessionState state, string path)
    {
        var script = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new InvalidOperationException($"The simulator's script module {path} does not parse: {errors[0].Message}");
        }

        foreach (var function in script.EndBlock.Statements.OfType<FunctionDefinitionAst>())
        {
            var body = function.Body.Extent.Text;
            state.Commands.Add(new SessionStateFunctionEntry(function.Name, body[1..^1]));
        }

        foreach (var command in script.EndBlock.Statements.OfType<PipelineAst>().SelectMany(p => p.PipelineElements.OfType<CommandAst>()))
        {
            if (command.GetCommandName() is "Set-Alias")
            {
                var arguments = command.CommandElements.Skip(1).ToList();
                string? Value(string parameter) =>
                    arguments.Zip(arguments.Skip(1)).FirstOrDefault(pair => pair.First is CommandParameterAst p && p.ParameterName.Equals(parameter, StringComparison.OrdinalIgnoreCase)).Second is StringConstantExpressionAst value
                        ? value.Value
                        : null;
                state.Commands.Add(new SessionStateAliasEntry(
                    Value("Name") ?? throw new InvalidOperationException($"{path}: Set-Alias needs -Name <alias>."),
                    Value("Value") ?? throw new InvalidOperationException($"{path}: Set-Alias needs -Value <command>.")));
            }
        }
    }
}
