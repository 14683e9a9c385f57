using Microsoft.Extensions.Options;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.PowerShell;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>Makes the <see cref="IHyperVHost"/> for a host's settings; tests put fakes in its place.</summary>
public interface IHostConnector
{
    /// <summary>A host reached as <paramref name="settings"/> say; the connection opens on the first call.</summary>
    /// <param name="settings">How to reach the host.</param>
    IHyperVHost Connect(HostConnectionSettings settings);
}

/// <summary>Hosts reached through PowerShell remoting: <see cref="HyperVHostFactory"/>. The simulated lab's in-process hosts go through <see cref="Simulator.SimulatedLabConnector"/>.</summary>
/// <param name="openGate">Bounds how many hosts open their connection at once (<c>Connections:MaxConcurrentOpens</c>); default <see cref="HostOpenGate.Shared"/>.</param>
/// <param name="timeouts">Each long operation's limit (<c>Operations:Timeouts</c>); default: <see cref="OperationTimeouts"/>' defaults.</param>
public sealed class PowerShellHostConnector(HostOpenGate? openGate = null, IOptions<OperationTimeouts>? timeouts = null) : IHostConnector
{
    /// <summary>Bounds how many hosts open their connection at once; null: <see cref="HostOpenGate.Shared"/>.</summary>
    public HostOpenGate? OpenGate => openGate;

    /// <summary>Each long operation's limit.</summary>
    public OperationTimeouts Timeouts { get; } = timeouts?.Value ?? new OperationTimeouts();

    /// <inheritdoc />
    public IHyperVHost Connect(HostConnectionSettings settings) => HyperVHostFactory.Create(settings, null, openGate, Timeouts);
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
