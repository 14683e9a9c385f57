using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>Makes the <see cref="IHyperVHost"/> for a host's settings; tests put fakes in its place.</summary>
public interface IHostConnector
{
    /// <summary>A host reached as <paramref name="settings"/> say; the connection opens on the first call.</summary>
    /// <param name="settings">How to reach the host.</param>
    /// <param name="lab">The simulated lab, for in-process hosts.</param>
    IHyperVHost Connect(HostConnectionSettings settings, SimulatedLab? lab = null);
}

/// <summary>Hosts reached through PowerShell remoting (or the in-process simulator): <see cref="HyperVHostFactory"/>.</summary>
/// <param name="openGate">Bounds how many hosts open their connection at once (<c>Connections:MaxConcurrentOpens</c>); default <see cref="HostOpenGate.Shared"/>.</param>
/// <param name="timeouts">Each long operation's limit (<c>Operations:Timeouts</c>); default: <see cref="OperationTimeouts"/>' defaults.</param>
public sealed class PowerShellHostConnector(HostOpenGate? openGate = null, IOptions<OperationTimeouts>? timeouts = null) : IHostConnector
{
    private readonly OperationTimeouts _timeouts = timeouts?.Value ?? new OperationTimeouts();

    /// <inheritdoc />
    public IHyperVHost Connect(HostConnectionSettings settings, SimulatedLab? lab = null) => HyperVHostFactory.Create(settings, lab, openGate, _timeouts);
}

/// <summary>Refuses <c>Operations:Timeouts</c> limits that are not positive, naming every one.</summary>
public sealed class ValidateOperationTimeouts : IValidateOptions<OperationTimeouts>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OperationTimeouts options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
