using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// What every simulator cmdlet does with the documented parameters it does not model: -ComputerName and -CimSession
/// may only name this host (the simulated host reaches no other computer), -AsJob hands the output over as a finished
/// job, and settings are stored as given (<see cref="StoreBound"/>).
/// </summary>
public abstract partial class SimulatorCmdlet
{
    private static readonly string[] LocalNames = ["localhost", ".", "127.0.0.1", "::1"];

    private List<PSObject>? jobOutput;

    /// <summary>False for a cmdlet whose -ComputerName names a target rather than the host to run on (Test-NetConnection).</summary>
    internal virtual bool ComputerNameNamesHost => true;

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (jobOutput is not null)
        {
            var job = new SimulatedJob(MyInvocation.Line, MyInvocation.MyCommand.Name, jobOutput);
            JobRepository.Add(job);
            WriteObject(job);
        }
    }

    /// <summary>Writes one output object, or keeps it for the job when the cmdlet runs with -AsJob.</summary>
    internal void WriteOutput(PSObject item)
    {
        if (MyInvocation.BoundParameters.TryGetValue("AsJob", out var asJob) && asJob is SwitchParameter { IsPresent: true })
        {
            (jobOutput ??= []).Add(item);
            return;
        }

        WriteObject(item);
    }

    /// <summary>
    /// Copies the named parameters the caller gave into <paramref name="bag"/> as "prefix + name" = the value as
    /// invariant text (lists comma-separated): documented settings the simulator accepts and keeps without modelling.
    /// </summary>
    internal void StoreBound(Dictionary<string, string> bag, string prefix, params string[] names)
    {
        foreach (var name in names)
        {
            if (MyInvocation.BoundParameters.TryGetValue(name, out var value))
            {
                bag[prefix + name] = Invariant(value);
            }
        }
    }

    /// <summary>True when the caller gave <paramref name="name"/>.</summary>
    internal bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    internal static string Invariant(object? value) => value switch
    {
        null => "",
        PSObject wrapped => Invariant(wrapped.BaseObject),
        SwitchParameter switchParameter => switchParameter.IsPresent ? "True" : "False",
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Invariant)),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// Refuses -ComputerName or -CimSession naming any computer but this one, the way a host that cannot be reached
    /// fails; the local names (localhost, ".", loopback) and this host's own name (or a FQDN of it) are this host.
    /// </summary>
    private void RefuseOtherComputers()
    {
        if (!ComputerNameNamesHost)
        {
            return;
        }

        var named = new List<string>();
        if (MyInvocation.BoundParameters.TryGetValue("ComputerName", out var computers))
        {
            named.AddRange(Names(computers));
        }

        if (MyInvocation.BoundParameters.TryGetValue("CimSession", out var sessions))
        {
            named.AddRange(Names(sessions));
        }

        if (named.Count == 0)
        {
            return;
        }

        var hostName = Sim.Read(h => h.Name);
        foreach (var name in named.Where(n => !NamesThisHost(n, hostName)))
        {
            var message = $"The WinRM client cannot process the request because the server name '{name}' cannot be resolved. The simulated host '{hostName}' reaches no other computer.";
            ThrowTerminatingError(Error(message, "HRESULT 0x80338000," + GetType().Name, ErrorCategory.ConnectionError, name, new InvalidOperationException(message)));
        }
    }

    private static IEnumerable<string> Names(object? value) => value switch
    {
        null => [],
        PSObject wrapped => wrapped.BaseObject is string or IEnumerable ? Names(wrapped.BaseObject) : [SessionComputer(wrapped)],
        string text => [text],
        IEnumerable items => items.Cast<object?>().SelectMany(Names),
        _ => [SessionComputer(PSObject.AsPSObject(value))],
    };

    /// <summary>A CIM session object's computer name (its ComputerName property), or its text.</summary>
    private static string SessionComputer(PSObject session) =>
        session.Properties["ComputerName"]?.Value?.ToString() is { Length: > 0 } name ? name : session.ToString();

    internal static bool NamesThisHost(string name, string hostName) =>
        LocalNames.Contains(name, StringComparer.OrdinalIgnoreCase) ||
        string.Equals(name, hostName, StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith(hostName + ".", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The job -AsJob returns: the simulated cmdlet has already run, so the job is Completed with its output.</summary>
public sealed class SimulatedJob : Job
{
    internal SimulatedJob(string command, string name, IEnumerable<PSObject> output)
        : base(command, name)
    {
        PSJobTypeName = "CimJob";
        foreach (var item in output)
        {
            Output.Add(item);
        }

        SetJobState(JobState.Completed);
    }

    /// <inheritdoc/>
    public override bool HasMoreData => Output.Count > 0;

    /// <inheritdoc/>
    public override string Location => "localhost";

    /// <inheritdoc/>
    public override string StatusMessage => "";

    /// <inheritdoc/>
    public override void StopJob()
    {
    }
}
