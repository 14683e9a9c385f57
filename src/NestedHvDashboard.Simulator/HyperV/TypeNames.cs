namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>The type names the real modules give their output objects.</summary>
internal static class TypeNames
{
    public const string VirtualMachine = "Microsoft.HyperV.PowerShell.VirtualMachine";
    public const string VMProcessor = "Microsoft.HyperV.PowerShell.VMProcessor";
    public const string VMMemory = "Microsoft.HyperV.PowerShell.VMMemory";
    public const string VMNetworkAdapter = "Microsoft.HyperV.PowerShell.VMNetworkAdapter";
    public const string VMSwitch = "Microsoft.HyperV.PowerShell.VMSwitch";
    public const string VMHost = "Microsoft.HyperV.PowerShell.VMHost";
    public const string VMHostSupportedVersion = "Microsoft.HyperV.PowerShell.VMHostSupportedVersion";
    public const string VMSnapshot = "Microsoft.HyperV.PowerShell.VMSnapshot";
    public const string NetAdapter = "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetAdapter";
    public const string NetIPAddress = "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetIPAddress";
    public const string NetNat = "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetNat";
    public const string WindowsFeature = "Microsoft.Windows.ServerManager.Commands.Feature";
    public const string FeatureOperationResult = "Microsoft.Windows.ServerManager.Commands.FeatureOperationResult";
    public const string OptionalFeature = "Microsoft.Dism.Commands.BasicFeatureObject";
    public const string DismImage = "Microsoft.Dism.Commands.ImageObject";
    public const string DnsClientServerAddress = "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_DNSClientServerAddress";
}
