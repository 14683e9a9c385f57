using System.Collections;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>Opening the connection and attaching a command's shell to it, before the command's own time limit starts.</summary>
public sealed partial class HostSession
{
    // What an open with no command is called in its error (the host's list of operations shows it as such).
    private static readonly HostCommand OpenOnly = new(HostScript.HostFacts, new Dictionary<string, object?>(), "Connect");

    /// <summary>
    /// Opens the pool now, through the <see cref="HostOpenGate"/> (or waits for the open under way), running nothing on it:
    /// the next command finds it open. A failed open is forgotten, so the next command opens again.
    /// </summary>
    /// <exception cref="HostOperationException">The host failed to open or did not answer within its time limit.</exception>
    public Task OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_pool.IsClosed, this);
        return WaitUntilOpenAsync(OpenOnly, cancellationToken);
    }

    /// <summary>
    /// Opens the pool (or waits for the open under way) through the <see cref="HostOpenGate"/>. The open is
    /// bounded by <see cref="Timeout"/> from its turn, not from this call: a host queued behind others stays Connecting.
    /// </summary>
    /// <exception cref="HostOperationException">The host failed to open or did not answer within its time limit.</exception>
    private async Task WaitUntilOpenAsync(HostCommand command, CancellationToken cancellationToken)
    {
        var poolTask = _pool.GetOrOpen();
        try
        {
            await poolTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _pool.Discard(poolTask);
            throw HostErrors.Timeout(HostName, command, Timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _pool.Discard(poolTask);
            throw HostErrors.FromException(exception, HostName, command);
        }
    }

    private async Task<AttachedShell> AttachWithinTimeoutAsync(HostCommand command, CancellationToken cancellationToken)
    {
        await WaitUntilOpenAsync(command, cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        return await AttachAsync(command, deadline.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens (or reuses) the pool and binds a new shell for <paramref name="command"/> to one of its runspaces.</summary>
    private async Task<AttachedShell> AttachAsync(HostCommand command, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var poolTask = _pool.GetOrOpen();
        HostConnection pool;
        try
        {
            pool = await poolTask.WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _pool.Discard(poolTask);
            throw HostErrors.Timeout(HostName, command, Timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _pool.Discard(poolTask);
            throw HostErrors.FromException(exception, HostName, command);
        }

        var shell = CreateShell(command);
        IDisposable lease;
        try
        {
            lease = await pool.AttachAsync(shell, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            shell.Dispose();
            _pool.Discard(poolTask);
            throw HostErrors.Timeout(HostName, command, Timeout);
        }
        catch (Exception exception)
        {
            shell.Dispose();
            if (exception is OperationCanceledException)
            {
                throw;
            }

            _pool.Discard(poolTask);
            throw HostErrors.FromException(exception, HostName, command);
        }

        return new AttachedShell(_pool, poolTask, pool, shell, lease);
    }

    private System.Management.Automation.PowerShell CreateShell(HostCommand command)
    {
        var shell = System.Management.Automation.PowerShell.Create();
        if (Invocation == HostInvocation.ByName)
        {
            // A JEA endpoint takes no script text: the module's function, by name, with the same parameters.
            shell.AddCommand(HostTools.FunctionName(command.Script));
            foreach (var (name, value) in command.Parameters)
            {
                shell.AddParameter(name, value);
            }

            return shell;
        }

        // The script's text goes as a parameter of the invoker, which compiles it once per host process (see Invoker).
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in command.Parameters)
        {
            parameters[name] = value;
        }

        shell.AddScript(ScriptLibrary.Invoker, useLocalScope: true)
            .AddParameter(ScriptLibrary.InvokerScriptParameter, ScriptLibrary.Get(command.Script))
            .AddParameter(ScriptLibrary.InvokerParametersParameter, parameters);
        return shell;
    }
}
