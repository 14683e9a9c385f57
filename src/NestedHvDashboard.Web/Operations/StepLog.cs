using NestedHvDashboard.Core.Operations;

namespace NestedHvDashboard.Web.Operations;

/// <summary>
/// The latest report of each step of one running operation, in step order. Reports arrive synchronously on the
/// operation's thread (unlike <see cref="Progress{T}"/>, which posts); <see cref="Changed"/> tells the page to re-render.
/// </summary>
public sealed class StepLog : IProgress<OperationStep>
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, OperationStep> _steps = [];

    /// <summary>Raised after every report, on the reporting thread.</summary>
    public event Action? Changed;

    /// <summary>Each step's latest report, by index.</summary>
    public IReadOnlyList<OperationStep> Steps
    {
        get
        {
            lock (_gate)
            {
                return [.. _steps.Values];
            }
        }
    }

    public void Report(OperationStep value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _steps[value.Index] = value;
        }

        Changed?.Invoke();
    }
}
