using System.Globalization;
using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Set-VMNetworkAdapter with Hyper-V's documented parameter sets (VMName, VMObject, ResourceObject, ManagementOS).
/// Modelled: -MacAddressSpoofing (while the VM runs), -StaticMacAddress and -DynamicMacAddress (only with the VM Off, as
/// Hyper-V requires). Every other documented setting is accepted and kept in the adapter's StoredSettings (for
/// -ManagementOS, in the switch's, as "ManagementOS.name").
/// </summary>
[Cmdlet(VerbsCommon.Set, "VMNetworkAdapter", DefaultParameterSetName = "VMName", SupportsShouldProcess = true)]
[OutputType(typeof(VMNetworkAdapter))]
public sealed partial class SetVMNetworkAdapterCommand : VmNetworkAdapterChangeCmdlet
{
    [Parameter(ParameterSetName = "VMName", Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VMName { get; set; }

    [Parameter(ParameterSetName = "VMObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public VirtualMachine? VM { get; set; }

    [Parameter(ParameterSetName = "ResourceObject", Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public VMNetworkAdapter[]? VMNetworkAdapter { get; set; }

    [Parameter(ParameterSetName = "ManagementOS", Mandatory = true)]
    public SwitchParameter ManagementOS { get; set; }

    [Parameter(ParameterSetName = "VMName")]
    [Parameter(ParameterSetName = "VMObject")]
    [Parameter(ParameterSetName = "ManagementOS")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(ParameterSetName = "VMName")]
    [Parameter(ParameterSetName = "ManagementOS")]
    [ValidateNotNullOrEmpty]
    public string[]? ComputerName { get; set; }

    [Parameter(ParameterSetName = "VMName")]
    [Parameter(ParameterSetName = "ManagementOS")]
    public PSCredential[]? Credential { get; set; }

    [Parameter(ParameterSetName = "VMName")]
    [Parameter(ParameterSetName = "ManagementOS")]
    public object[]? CimSession { get; set; }

    [Parameter(ParameterSetName = "VMName")]
    [Parameter(ParameterSetName = "VMObject")]
    [Parameter(ParameterSetName = "ResourceObject")]
    public SwitchParameter DynamicMacAddress { get; set; }

    /// <summary>Twelve hex digits (dashes or colons allowed), not a multicast address.</summary>
    [Parameter(ParameterSetName = "VMName")]
    [Parameter(ParameterSetName = "VMObject")]
    [Parameter(ParameterSetName = "ResourceObject")]
    [ValidateNotNullOrEmpty]
    public string? StaticMacAddress { get; set; }

    [Parameter]
    public OnOffState? MacAddressSpoofing { get; set; }

    protected override void ProcessRecord()
    {
        if (ManagementOS || VMNetworkAdapter?.All(a => a.IsManagementOs) == true)
        {
            SetManagementOs(VMNetworkAdapter?.Select(a => a.SwitchName ?? a.Name).ToArray());
            return;
        }

        var mac = StaticMacAddress is null ? null : NormalizedMac(StaticMacAddress);
        var selections = Selections(VMName, Name is null ? null : [Name], VMNetworkAdapter);
        if (VM is { } vm)
        {
            selections = [(new VmRef(vm.Id, vm.Name), null)];
        }

        Change(selections, "Set-VMNetworkAdapter", (adapter, vm, host) =>
        {
            var changesAddress = (mac is not null && mac != adapter.MacAddress) || DynamicMacAddress;
            var state = vm.StateAt(Now);
            if (changesAddress && state != VMState.Off)
            {
                return VmStateError<int>(vm, "modify device 'Network Adapter'", state).Error;
            }

            if (StaticMacAddress is not null && mac is null)
            {
                return Error(
                    $"'{vm.Name}' failed to modify device 'Network Adapter'. '{StaticMacAddress}' is not a valid static MAC address: give twelve hexadecimal digits of a unicast address.",
                    "InvalidParameter,SetVMNetworkAdapterCommand",
                    ErrorCategory.InvalidArgument,
                    StaticMacAddress);
            }

            if (MacAddressSpoofing is { } spoofing)
            {
                adapter.MacAddressSpoofing = spoofing == OnOffState.On;
            }

            if (mac is not null)
            {
                adapter.MacAddress = mac;
                adapter.StoredSettings["DynamicMacAddressEnabled"] = "False";
            }
            else if (DynamicMacAddress)
            {
                adapter.MacAddress = host.NextMacAddress();
                adapter.StoredSettings["DynamicMacAddressEnabled"] = "True";
            }

            StoreBound(adapter.StoredSettings, "", Unmodelled);
            return null;
        });
    }

    /// <summary>-ManagementOS: the host's adapters of the switches named (or all that share with the host); settings kept on the switch.</summary>
    private void SetManagementOs(string[]? switchNames)
    {
        var target = Name ?? (switchNames is null ? "*" : string.Join(", ", switchNames));
        if (!ShouldProcess(target, "Set-VMNetworkAdapter -ManagementOS"))
        {
            return;
        }

        var changed = Sim.Update(h =>
        {
            var chosen = h.Switches.Where(s => s.AllowManagementOS &&
                (switchNames is not null ? switchNames.Contains(s.Name, StringComparer.OrdinalIgnoreCase) : Name is null || NameMatches(Name, s.Name))).ToList();
            foreach (var vmSwitch in chosen)
            {
                StoreBound(vmSwitch.StoredSettings, "ManagementOS.", [.. Unmodelled, "MacAddressSpoofing"]);
            }

            return chosen.Select(s => GetVMNetworkAdapterCommand.ManagementAdapter(s, h)).ToList();
        });
        if (changed.Count == 0)
        {
            WriteError(Error($"Hyper-V was unable to find a network adapter named \"{target}\" in the management operating system.", "ObjectNotFound,SetVMNetworkAdapterCommand", ErrorCategory.ObjectNotFound, target));
            return;
        }

        if (Passthru)
        {
            EmitAll(changed, TypeNames.VMNetworkAdapter);
        }
    }

    /// <summary>Twelve upper-case hex digits, or null when <paramref name="text"/> is not a unicast MAC address.</summary>
    internal static string? NormalizedMac(string text)
    {
        var digits = text.Replace("-", "", StringComparison.Ordinal).Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
        return digits.Length == 12 && digits.All(Uri.IsHexDigit) &&
            (int.Parse(digits[..2], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1) == 0 && digits != "000000000000"
            ? digits
            : null;
    }
}
