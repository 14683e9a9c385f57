using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>Get-NetAdapter.</summary>
[Cmdlet(VerbsCommon.Get, "NetAdapter", DefaultParameterSetName = "ByName")]
[OutputType(typeof(NetAdapter))]
public sealed class GetNetAdapterCommand : SimulatedCimCmdlet
{
    [Parameter(ParameterSetName = "ByName", Position = 0)]
    [Alias("ifAlias", "InterfaceAlias")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "ByIfIndex", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifIndex")]
    public int[]? InterfaceIndex { get; set; }

    [Parameter(ParameterSetName = "ByInstanceID", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifDesc")]
    [ValidateNotNullOrEmpty]
    public string[]? InterfaceDescription { get; set; }

    [Parameter]
    public SwitchParameter Physical { get; set; }

    [Parameter]
    public SwitchParameter IncludeHidden { get; set; }

    protected override void ProcessRecord()
    {
        var (adapters, missing) = Sim.Read(h =>
        {
            var all = h.NetAdapters.Where(a => !Physical || !a.InterfaceDescription.StartsWith("Hyper-V", StringComparison.Ordinal)).ToList();
            var chosen = all.Where(a =>
                (Name is null || Name.Any(n => NameMatches(n, a.Name))) &&
                (InterfaceIndex is null || InterfaceIndex.Contains(a.InterfaceIndex)) &&
                (InterfaceDescription is null || InterfaceDescription.Any(d => NameMatches(d, a.InterfaceDescription))));
            var notFound = (Name ?? []).Where(n => !IsWildcard(n) && !all.Exists(a => NameMatches(n, a.Name))).Select(n => ("Name", (object)n))
                .Concat((InterfaceIndex ?? []).Where(i => !all.Exists(a => a.InterfaceIndex == i)).Select(i => ("InterfaceIndex", (object)i)))
                .ToList();
            return (chosen.Select(a => NetAdapter.From(a, h)).ToList(), notFound);
        });
        foreach (var (property, value) in missing)
        {
            WriteError(Error(
                $"No MSFT_NetAdapter objects found with property '{property}' equal to '{value}'.  Verify the value of the property and retry.",
                "CmdletizationQuery_NotFound_" + property + ",Get-NetAdapter",
                ErrorCategory.ObjectNotFound,
                value,
                new ItemNotFoundException($"No MSFT_NetAdapter objects found with property '{property}' equal to '{value}'.  Verify the value of the property and retry.")));
        }

        EmitAll(adapters, TypeNames.NetAdapter);
    }
}
