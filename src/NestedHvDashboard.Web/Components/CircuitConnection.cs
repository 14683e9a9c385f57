using Microsoft.AspNetCore.Components.Server.Circuits;

namespace NestedHvDashboard.Web.Components;

/// <summary>
/// Whether a circuit's browser is connected now. A closed tab's circuit is kept (disconnected) for minutes in case the
/// browser comes back; live pages do not render into it meanwhile, and render the latest state when it reconnects.
/// One per circuit.
/// </summary>
public sealed class CircuitConnection
{
    private int _down;

    /// <summary>Raised (on the circuit handler's thread) when the browser is connected again after being away.</summary>
    public event Action? Reconnected;

    /// <summary>True while the browser is connected (and before the circuit says otherwise).</summary>
    public bool IsConnected => Volatile.Read(ref _down) == 0;

    /// <summary>The browser went away (tab closed, network lost).</summary>
    public void MarkDown() => Volatile.Write(ref _down, 1);

    /// <summary>The browser is connected (again): raises <see cref="Reconnected"/> when it had been away.</summary>
    public void MarkUp()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            Reconnected?.Invoke();
        }
    }
}

/// <summary>Keeps the circuit's <see cref="CircuitConnection"/> current.</summary>
public sealed class CircuitConnectionHandler(CircuitConnection connection) : CircuitHandler
{
    /// <inheritdoc />
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        connection.MarkUp();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        connection.MarkDown();
        return Task.CompletedTask;
    }
}
