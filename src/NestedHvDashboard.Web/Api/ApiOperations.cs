using System.Collections.Concurrent;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Operations;
namespace NestedHvDashboard.Web.Api;

/// <summary>One step of an operation as the API shows it.</summary>
/// <param name="Index">Position in the plan, from 0.</param>
/// <param name="Kind">What the step does (e.g. "SetNestedVirtualization").</param>
/// <param name="Title">The step in words, e.g. "Set ExposeVirtualizationExtensions $true".</param>
/// <param name="Status">"pending", "running", "done", "failed", "compensated" or "skipped".</param>
/// <param name="HostMessage">What the host said when the step failed.</param>
public sealed record ApiOperationStep(int Index, string Kind, string Title, string Status, string? HostMessage);

/// <summary>A change started through the API, and where it is.</summary>
/// <param name="Id">The operation's id (also the audit entry's correlation id).</param>
/// <param name="Host">The host.</param>
/// <param name="VmId">The VM's id.</param>
/// <param name="VmName">The VM's name, verbatim.</param>
/// <param name="Action">What was asked, e.g. "Enable nested".</param>
/// <param name="Status">"running", then "succeeded", "noChange", "refused", "busy", "failed", "canceled" or "deferred".</param>
/// <param name="Message">One line for the user once it ended: host, VM, what was tried and what the host said.</param>
/// <param name="HostMessage">What the host said about a failure, verbatim.</param>
/// <param name="Steps">Each step's latest state, in plan order.</param>
/// <param name="RequestedBy">The user who asked.</param>
/// <param name="StartedAt">When it was asked for.</param>
/// <param name="CompletedAt">When it ended, or null while it runs.</param>
public sealed record ApiOperation(
    Guid Id,
    string Host,
    Guid VmId,
    string VmName,
    string Action,
    string Status,
    string? Message,
    string? HostMessage,
    IReadOnlyList<ApiOperationStep> Steps,
    string RequestedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>True once the operation has ended.</summary>
    public bool Done => CompletedAt is not null;
}

/// <summary>
/// The operations started through the API, in memory: the last <see cref="Capacity"/> are kept (oldest dropped first),
/// so a script can poll <c>GET /api/v1/operations/{id}</c> until one ends. The audit trail is the lasting record.
/// </summary>
public sealed class ApiOperations(TimeProvider time)
{
    /// <summary>How many operations are kept.</summary>
    public const int Capacity = 500;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly ConcurrentQueue<Guid> _order = new();

    /// <summary>Registers a running operation; feed <c>Log</c> to the service as its progress, then call <see cref="Complete"/>.</summary>
    public (Guid Id, StepLog Log) Start(string host, Guid vmId, string vmName, string action, string requestedBy)
    {
        var id = Guid.NewGuid();
        var entry = new Entry(new ApiOperation(id, host, vmId, vmName, action, "running", null, null, [], requestedBy, time.GetUtcNow(), null), new StepLog());
        _entries[id] = entry;
        _order.Enqueue(id);
        while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _entries.TryRemove(oldest, out _);
        }

        return (id, entry.Log);
    }

    /// <summary>Ends operation <paramref name="id"/> with the service's result.</summary>
    public void Complete(Guid id, OperationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Finish(id, StatusOf(result.Outcome), result.Message, result.HostMessage, result.Steps.Count > 0 ? [.. result.Steps.Select(StepOf)] : null);
    }

    /// <summary>Ends operation <paramref name="id"/> with a status and message of its own (deferred, or a crash).</summary>
    public void Finish(Guid id, string status, string message, string? hostMessage = null, IReadOnlyList<ApiOperationStep>? steps = null)
    {
        if (_entries.TryGetValue(id, out var entry))
        {
            entry.Final = entry.Current with
            {
                Status = status,
                Message = message,
                HostMessage = hostMessage,
                Steps = steps ?? [.. entry.Log.Steps.Select(StepOf)],
                CompletedAt = time.GetUtcNow(),
            };
        }
    }

    /// <summary>The operation now, or null when it is unknown (or was dropped).</summary>
    public ApiOperation? Find(Guid id) => _entries.TryGetValue(id, out var entry) ? entry.Current : null;

    private static ApiOperationStep StepOf(OperationStep step) =>
        new(step.Index, step.Kind.ToString(), step.Title, ApiJson.Name(step.Status.ToString()), step.HostMessage);

    // A denial reads "refused" in the API, as it always has.
    private static string StatusOf(OperationOutcome outcome) => ApiJson.Name((outcome is OperationOutcome.Denied ? OperationOutcome.Refused : outcome).ToString());

    private sealed class Entry(ApiOperation started, StepLog log)
    {
        public StepLog Log { get; } = log;

        public volatile ApiOperation? Final;

        public ApiOperation Current => Final ?? started with { Steps = [.. Log.Steps.Select(StepOf)] };
    }
}

/// <summary>How the API spells enum values: camelCase, as JSON properties are.</summary>
internal static class ApiJson
{
    public static string Name(string pascal) => pascal.Length == 0 ? pascal : char.ToLowerInvariant(pascal[0]) + pascal[1..];
}
