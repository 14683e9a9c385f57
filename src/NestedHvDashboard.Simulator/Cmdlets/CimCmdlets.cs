using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Text.RegularExpressions;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Get-CimInstance for the classes a Hyper-V inventory reads: Win32_Processor, Win32_OperatingSystem,
/// Win32_ComputerSystem, Win32_SystemEnclosure, root\virtualization\v2 Msvm_KvpExchangeComponent and
/// Msvm_VirtualSystemManagementService (for Invoke-CimMethod's GetSummaryInformation), and
/// root\Microsoft\Windows\DeviceGuard Win32_DeviceGuard (Invalid namespace on an OS without it).
/// </summary>
[Cmdlet(VerbsCommon.Get, "CimInstance", DefaultParameterSetName = "ClassNameComputerSet")]
[OutputType(typeof(PSObject))]
public sealed partial class GetCimInstanceCommand : SimulatorCmdlet
{
    private const string Cimv2 = "root/cimv2";
    private const string Virtualization = "root/virtualization/v2";
    private const string DeviceGuard = "root/microsoft/windows/deviceguard";

    [Parameter(ParameterSetName = "ClassNameComputerSet", Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string ClassName { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = Cimv2;

    [Parameter]
    public string? Filter { get; set; }

    [Parameter]
    [Alias("SelectProperties")]
    public string[]? Property { get; set; }

    [Parameter]
    [Alias("CN", "ServerName")]
    public string[]? ComputerName { get; set; }

    [Parameter]
    [Alias("OT")]
    public uint OperationTimeoutSec { get; set; }

    [Parameter]
    public SwitchParameter KeyOnly { get; set; }

    [Parameter]
    public SwitchParameter Shallow { get; set; }

    protected override void ProcessRecord()
    {
        var ns = Namespace.Replace('\\', '/').Trim('/');
        if (!string.Equals(ns, Cimv2, StringComparison.OrdinalIgnoreCase) && !string.Equals(ns, Virtualization, StringComparison.OrdinalIgnoreCase)
            && !(string.Equals(ns, DeviceGuard, StringComparison.OrdinalIgnoreCase) && !Sim.Read(h => h.Profile.DeviceGuard.NoDeviceGuardClass)))
        {
            ThrowTerminatingError(CimError("Invalid namespace ", "HRESULT 0x8004100e", ErrorCategory.MetadataError, Namespace));
        }

        var conditions = ParseFilter();
        var rows = Sim.Read(h => Instances(h, ns.ToLowerInvariant(), ClassName.ToLowerInvariant(), Now));
        if (rows is null)
        {
            ThrowTerminatingError(CimError("Invalid class ", "HRESULT 0x80041010", ErrorCategory.MetadataError, ClassName));
            return;
        }

        foreach (var (className, properties) in rows)
        {
            if (conditions.All(c => properties.TryGetValue(c.Key, out var value) && string.Equals(Convert.ToString(value, CultureInfo.InvariantCulture), c.Value, StringComparison.OrdinalIgnoreCase)))
            {
                var row = new PSObject();
                foreach (var (name, value) in properties)
                {
                    row.Properties.Add(new PSNoteProperty(name, value));
                }

                row.TypeNames.Insert(0, $"Microsoft.Management.Infrastructure.CimInstance#{ns}/{className}");
                row.TypeNames.Insert(1, "Microsoft.Management.Infrastructure.CimInstance");
                WriteObject(row);
            }
        }
    }

    /// <summary>WQL "Prop = 'value' [AND ...]": the only filter shape the dashboard needs.</summary>
    private Dictionary<string, string> ParseFilter()
    {
        var conditions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(Filter))
        {
            return conditions;
        }

        foreach (var part in AndSeparator().Split(Filter))
        {
            var match = Condition().Match(part);
            if (!match.Success)
            {
                ThrowTerminatingError(CimError("Invalid query ", "HRESULT 0x80041017", ErrorCategory.InvalidArgument, Filter));
            }

            conditions[match.Groups["name"].Value] = match.Groups["value"].Value.Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        return conditions;
    }

    private static ErrorRecord CimError(string message, string hresult, ErrorCategory category, object target) =>
        Error(message, $"{hresult},Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand", category, target, new InvalidOperationException(message));

    [GeneratedRegex(@"\s+AND\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndSeparator();

    [GeneratedRegex(@"^\s*(?<name>\w+)\s*=\s*(['""])(?<value>.*)\1\s*$")]
    private static partial Regex Condition();

    private static List<(string Class, Dictionary<string, object?> Properties)>? Instances(SimulatedHost host, string ns, string className, DateTimeOffset now)
    {
        var p = host.Profile;
        return (ns, className) switch
        {
            (Cimv2, "win32_processor") => Enumerable.Range(0, Math.Max(1, p.ProcessorSockets)).Select(i => ("Win32_Processor", new Dictionary<string, object?>
            {
                ["DeviceID"] = $"CPU{i}",
                ["Manufacturer"] = p.ProcessorManufacturer,
                ["Name"] = p.ProcessorName,
                ["Caption"] = p.ProcessorManufacturer == "AuthenticAMD" ? "AMD64 Family 25 Model 1 Stepping 1" : "Intel64 Family 6 Model 106 Stepping 6",
                ["NumberOfCores"] = (uint)Math.Max(1, p.LogicalProcessors / Math.Max(1, p.ProcessorSockets) / 2),
                ["NumberOfLogicalProcessors"] = (uint)(p.LogicalProcessors / Math.Max(1, p.ProcessorSockets)),
                ["MaxClockSpeed"] = 2600u,
                ["Architecture"] = (ushort)9,
                // With the hypervisor running, Windows reports these as False; HypervisorPresent is the truth.
                ["VirtualizationFirmwareEnabled"] = false,
                ["SecondLevelAddressTranslationExtensions"] = false,
                ["VMMonitorModeExtensions"] = false,
                ["SystemName"] = host.Name,
            })).ToList(),
            (Cimv2, "win32_operatingsystem") => [("Win32_OperatingSystem", new Dictionary<string, object?>
            {
                ["Caption"] = p.OsCaption,
                ["Version"] = p.OsVersion,
                ["BuildNumber"] = p.OsBuild.ToString(CultureInfo.InvariantCulture),
                ["ProductType"] = (uint)p.ProductType,
                ["OSArchitecture"] = "64-bit",
                ["CSName"] = host.Name,
                ["TotalVisibleMemorySize"] = (ulong)(p.MemoryBytes / 1024),
                ["FreePhysicalMemory"] = (ulong)(Math.Max(0, p.MemoryBytes - host.Vms.Sum(v => VmMetrics.MemoryAssigned(v, now))) / 1024),
                ["LastBootUpTime"] = p.LastBootUpTime.UtcDateTime,
                ["Manufacturer"] = "Microsoft Corporation",
            })],
            (Cimv2, "win32_computersystem") => [("Win32_ComputerSystem", new Dictionary<string, object?>
            {
                ["Name"] = host.Name,
                ["DNSHostName"] = host.Name.ToLowerInvariant(),
                ["Domain"] = string.IsNullOrEmpty(p.Domain) ? "WORKGROUP" : p.Domain,
                ["PartOfDomain"] = !string.IsNullOrEmpty(p.Domain),
                ["Manufacturer"] = p.SystemManufacturer,
                ["Model"] = p.SystemModel,
                ["NumberOfProcessors"] = (uint)p.ProcessorSockets,
                ["NumberOfLogicalProcessors"] = (uint)p.LogicalProcessors,
                ["TotalPhysicalMemory"] = (ulong)p.MemoryBytes,
                ["HypervisorPresent"] = true,
            })],
            (Cimv2, "win32_systemenclosure") => [("Win32_SystemEnclosure", new Dictionary<string, object?>
            {
                ["SMBIOSAssetTag"] = p.AssetTag,
                ["Manufacturer"] = p.SystemManufacturer,
                ["SerialNumber"] = $"SIM-{SimulatedHost.StableHash(host.Name):X8}",
                ["ChassisTypes"] = new ushort[] { (ushort)(p.IsAzureVm ? 1 : 23) },
            })],
            (Virtualization, "msvm_kvpexchangecomponent") => host.Vms.Select(vm => ("Msvm_KvpExchangeComponent", new Dictionary<string, object?>
            {
                ["SystemName"] = vm.Id.ToString().ToUpperInvariant(),
                ["ElementName"] = "Key-Value Pair Exchange",
                ["EnabledState"] = (ushort)(vm.StateAt(now) == VMState.Running ? 2 : 3),
                ["GuestIntrinsicExchangeItems"] = vm.StateAt(now) == VMState.Running && vm.GuestOsName is not null ? GuestItems(vm) : Array.Empty<string>(),
            })).ToList(),
            (Virtualization, "msvm_virtualsystemmanagementservice") => [(SummaryInformation.ServiceClass, SummaryInformation.ServiceInstance(host))],
            (DeviceGuard, "win32_deviceguard") => [("Win32_DeviceGuard", DeviceGuardInstance(p.DeviceGuard))],
            _ => null,
        };
    }

    /// <summary>Win32_DeviceGuard as Windows reports it: a lone 0 in the service lists when none is configured or running.</summary>
    private static Dictionary<string, object?> DeviceGuardInstance(DeviceGuardProfile guard)
    {
        static uint[] Services(List<int> ids) => ids.Count == 0 ? [0u] : [.. ids.Select(i => (uint)i)];
        return new Dictionary<string, object?>
        {
            ["InstanceIdentifier"] = "4ff40742-2649-41b8-bdd1-e80fad1cce80",
            ["Version"] = "1.0",
            ["AvailableSecurityProperties"] = new uint[] { 1, 2, 3, 5 },
            ["RequiredSecurityProperties"] = guard.VirtualizationBasedSecurityStatus > 0 ? new uint[] { 1, 2 } : new uint[] { 0 },
            ["SecurityServicesConfigured"] = Services(guard.SecurityServicesConfigured),
            ["SecurityServicesRunning"] = Services(guard.SecurityServicesRunning),
            ["VirtualizationBasedSecurityStatus"] = (uint)guard.VirtualizationBasedSecurityStatus,
            ["CodeIntegrityPolicyEnforcementStatus"] = guard.SecurityServicesRunning.Contains(2) ? 2u : 0u,
            ["UsermodeCodeIntegrityPolicyEnforcementStatus"] = 0u,
        };
    }

    private static string[] GuestItems(SimulatedVm vm)
    {
        var build = vm.GuestOsVersion?.Split('.').LastOrDefault() ?? "";
        var items = new List<(string Name, string Value)>
        {
            ("FullyQualifiedDomainName", vm.Name),
            ("OSName", vm.GuestOsName!),
            ("OSVersion", vm.GuestOsVersion ?? ""),
            ("OSBuildNumber", build),
            ("OSPlatformId", "2"),
            ("ProductType", vm.GuestOsName!.Contains("Server", StringComparison.OrdinalIgnoreCase) ? "3" : "1"),
            ("ProcessorArchitecture", "9"),
        };
        return items.Select(i =>
            "<INSTANCE CLASSNAME=\"Msvm_KvpExchangeDataItem\">" +
            "<PROPERTY NAME=\"Caption\" PROPAGATED=\"true\" TYPE=\"string\"></PROPERTY>" +
            $"<PROPERTY NAME=\"Data\" TYPE=\"string\"><VALUE>{SecurityElement.Escape(i.Value)}</VALUE></PROPERTY>" +
            "<PROPERTY NAME=\"Description\" PROPAGATED=\"true\" TYPE=\"string\"></PROPERTY>" +
            "<PROPERTY NAME=\"ElementName\" PROPAGATED=\"true\" TYPE=\"string\"></PROPERTY>" +
            $"<PROPERTY NAME=\"Name\" TYPE=\"string\"><VALUE>{SecurityElement.Escape(i.Name)}</VALUE></PROPERTY>" +
            "<PROPERTY NAME=\"Source\" TYPE=\"uint16\"><VALUE>2</VALUE></PROPERTY>" +
            "</INSTANCE>").ToArray();
    }
}
