using System.Collections;
using System.Management.Automation;
using System.Text.RegularExpressions;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Invoke-CimMethod for the one method a Hyper-V inventory calls: Msvm_VirtualSystemManagementService.GetSummaryInformation
/// in root\virtualization\v2, on the instance Get-CimInstance gave (-InputObject) or on the instances of a
/// "SELECT * FROM Msvm_VirtualSystemManagementService" query. It is one WMI call on a real host, so the cost model charges
/// one call however many VMs it answers for. Any other method is refused as WMI refuses a method it does not have.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "CimMethod", DefaultParameterSetName = "ClassNameComputerSet")]
[OutputType(typeof(PSObject))]
public sealed partial class InvokeCimMethodCommand : SimulatorCmdlet
{
    private const string Virtualization = "root/virtualization/v2";

    /// <summary>A CIM instance from Get-CimInstance (the simulator's are PSObjects of CimInstance type names).</summary>
    [Parameter(ParameterSetName = "CimInstanceComputerSet", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Alias("CimInstance")]
    public PSObject? InputObject { get; set; }

    [Parameter(ParameterSetName = "ClassNameComputerSet", Position = 0, Mandatory = true)]
    [Alias("Class")]
    public string? ClassName { get; set; }

    [Parameter(ParameterSetName = "QueryComputerSet", Mandatory = true)]
    public string? Query { get; set; }

    [Parameter(ParameterSetName = "QueryComputerSet")]
    public string QueryDialect { get; set; } = "WQL";

    [Parameter(ParameterSetName = "ClassNameComputerSet")]
    [Parameter(ParameterSetName = "QueryComputerSet")]
    public string Namespace { get; set; } = "root/cimv2";

    [Parameter(Position = 1)]
    public IDictionary? Arguments { get; set; }

    [Parameter(Position = 2, Mandatory = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    public string MethodName { get; set; } = "";

    [Parameter]
    [Alias("CN", "ServerName")]
    public string[]? ComputerName { get; set; }

    /// <summary>A CIM session (or a computer name): it may only name this host.</summary>
    [Parameter]
    public object[]? CimSession { get; set; }

    [Parameter]
    [Alias("OT")]
    public uint OperationTimeoutSec { get; set; }

    protected override void ProcessRecord()
    {
        var (ns, className) = Target();
        if (!string.Equals(ns, Virtualization, StringComparison.OrdinalIgnoreCase) || !string.Equals(className, SummaryInformation.ServiceClass, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(MethodName, SummaryInformation.Method, StringComparison.OrdinalIgnoreCase))
        {
            ThrowTerminatingError(Error("Invalid method ", "HRESULT 0x8004102e,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand", ErrorCategory.MetadataError, MethodName, new InvalidOperationException("Invalid method ")));
        }

        if (ParameterSetName == "ClassNameComputerSet")
        {
            // GetSummaryInformation is an instance method: WMI refuses it on the class.
            ThrowTerminatingError(Error("Invalid method Parameter(s) ", "HRESULT 0x8004102f,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand", ErrorCategory.InvalidArgument, ClassName, new InvalidOperationException("Invalid method Parameter(s) ")));
        }

        BoundHost?.Cost?.ChargeCall();
        var requested = Argument("RequestedInformation") is { } codes ? LanguagePrimitives.ConvertTo<uint[]>(codes) : [];
        var result = new PSObject();
        if (Argument("SettingData") is not null)
        {
            // The simulator has no CIM_VirtualSystemSettingData references; a real host would answer for those VMs only.
            result.Properties.Add(new PSNoteProperty("ReturnValue", SummaryInformation.InvalidParameter));
            result.Properties.Add(new PSNoteProperty("SummaryInformation", null));
        }
        else
        {
            var answers = Sim.Read(h => SummaryInformation.For(h, requested, Now));
            result.Properties.Add(new PSNoteProperty("ReturnValue", 0u));
            result.Properties.Add(new PSNoteProperty("SummaryInformation", answers.Select(Instance).ToArray()));
        }

        result.Properties.Add(new PSNoteProperty("PSComputerName", null));
        result.TypeNames.Insert(0, "Microsoft.Management.Infrastructure.CimMethodResult");
        WriteObject(result);
    }

    private object? Argument(string name)
    {
        if (Arguments is null)
        {
            return null;
        }

        foreach (DictionaryEntry entry in Arguments)
        {
            if (string.Equals(entry.Key?.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            }
        }

        return null;
    }

    /// <summary>The namespace and class the method is invoked on, from the instance's type name, the query or the class name.</summary>
    private (string Namespace, string Class) Target()
    {
        switch (ParameterSetName)
        {
            case "CimInstanceComputerSet":
                const string prefix = "Microsoft.Management.Infrastructure.CimInstance#";
                var typeName = InputObject?.TypeNames.FirstOrDefault(t => t.StartsWith(prefix, StringComparison.Ordinal)) ?? "";
                var path = typeName.Length > prefix.Length ? typeName[prefix.Length..] : "";
                var slash = path.LastIndexOf('/');
                return slash < 0 ? ("", path) : (path[..slash], path[(slash + 1)..]);
            case "QueryComputerSet":
                var match = SelectAll().Match(Query ?? "");
                if (!match.Success)
                {
                    ThrowTerminatingError(Error("Invalid query ", "HRESULT 0x80041017,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand", ErrorCategory.InvalidArgument, Query, new InvalidOperationException("Invalid query ")));
                }

                return (NamespaceOf(Namespace), match.Groups["class"].Value);
            default:
                return (NamespaceOf(Namespace), ClassName ?? "");
        }
    }

    private static string NamespaceOf(string ns) => ns.Replace('\\', '/').Trim('/');

    private static PSObject Instance(Dictionary<string, object?> properties)
    {
        var row = new PSObject();
        foreach (var (name, value) in properties)
        {
            row.Properties.Add(new PSNoteProperty(name, value));
        }

        row.TypeNames.Insert(0, $"Microsoft.Management.Infrastructure.CimInstance#{Virtualization}/{SummaryInformation.SummaryClass}");
        row.TypeNames.Insert(1, "Microsoft.Management.Infrastructure.CimInstance");
        return row;
    }

    [GeneratedRegex(@"^\s*SELECT\s+\*\s+FROM\s+(?<class>\w+)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SelectAll();
}
