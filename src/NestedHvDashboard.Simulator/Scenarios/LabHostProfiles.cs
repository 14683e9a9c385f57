using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Scenarios;

/// <summary>
/// The kinds of host the simulated labs are made of, as data: one row per host profile, the facts the host reports
/// about its OS, processors, memory, Hyper-V and hardware.
/// </summary>
internal static class LabHostProfiles
{
    private const long GB = 1024L * 1024 * 1024;

    /// <summary>What an Azure VM's instance metadata says about it (only the Azure host has these).</summary>
    /// <param name="VmSize">The VM size.</param>
    /// <param name="Location">The Azure region.</param>
    /// <param name="VmId">The VM's id.</param>
    public sealed record AzureFacts(string VmSize, string Location, Guid VmId);

    /// <summary>One host profile.</summary>
    /// <param name="OsCaption">Win32_OperatingSystem.Caption.</param>
    /// <param name="OsVersion">The OS version; its third part is the build.</param>
    /// <param name="ProductType">1 workstation, 3 server.</param>
    /// <param name="ProcessorManufacturer">GenuineIntel or AuthenticAMD.</param>
    /// <param name="ProcessorName">The processor's model string.</param>
    /// <param name="Sockets">Processor sockets.</param>
    /// <param name="LogicalProcessors">Logical processors over all sockets.</param>
    /// <param name="MemoryGb">Physical memory in GB.</param>
    /// <param name="HighestVersion">The highest VM configuration version the host supports, also its default.</param>
    /// <param name="SystemManufacturer">Win32_ComputerSystem.Manufacturer.</param>
    /// <param name="SystemModel">Win32_ComputerSystem.Model.</param>
    /// <param name="Azure">Set when the host is itself an Azure VM.</param>
    public sealed record Row(
        string OsCaption, string OsVersion, int ProductType, string ProcessorManufacturer, string ProcessorName, int Sockets, int LogicalProcessors,
        int MemoryGb, string HighestVersion, string SystemManufacturer, string SystemModel, AzureFacts? Azure = null)
    {
        /// <summary>A fresh profile from the row; an Azure host's with <paramref name="securityType"/>.</summary>
        public HostProfile ToProfile(string securityType = "TrustedLaunch")
        {
            var profile = new HostProfile
            {
                OsCaption = OsCaption,
                OsVersion = OsVersion,
                OsBuild = Version.Parse(OsVersion).Build,
                ProductType = ProductType,
                ProcessorManufacturer = ProcessorManufacturer,
                ProcessorName = ProcessorName,
                ProcessorSockets = Sockets,
                LogicalProcessors = LogicalProcessors,
                MemoryBytes = MemoryGb * GB,
                SupportedVersions = [.. ConfigVersions.UpTo(HighestVersion)],
                DefaultVersion = HighestVersion,
                SystemManufacturer = SystemManufacturer,
                SystemModel = SystemModel,
            };
            if (Azure is { } azure)
            {
                profile.IsAzureVm = true;
                profile.AzureSecurityType = securityType;
                profile.AzureVmSize = azure.VmSize;
                profile.AzureLocation = azure.Location;
                profile.AzureVmId = azure.VmId;
                profile.AssetTag = HostProfile.AzureAssetTag;
                profile.Domain = "";
            }

            return profile;
        }
    }

    // One row per host profile.
    //                                              OS caption                                                OS version    type  CPU vendor      processor                                            sockets  LPs  GB    highest  manufacturer             model
    public static readonly Row Ws2016Intel = new("Microsoft Windows Server 2016 Datacenter",                "10.0.14393", 3,    "GenuineIntel", "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",        2,       56,  256,  "8.0",   "HPE",                   "ProLiant DL380 Gen9");
    public static readonly Row Ws2019Intel = new("Microsoft Windows Server 2019 Datacenter",                "10.0.17763", 3,    "GenuineIntel", "Intel(R) Xeon(R) Platinum 8280L CPU @ 2.70GHz",    8,       448, 6144, "9.0",   "Lenovo",                "ThinkSystem SR950");
    public static readonly Row Ws2022Amd   = new("Microsoft Windows Server 2022 Datacenter",                "10.0.20348", 3,    "AuthenticAMD", "AMD EPYC 7763 64-Core Processor",                  2,       256, 1024, "10.0",  "Dell Inc.",             "PowerEdge R7525");
    public static readonly Row Ws2025Azure = new("Microsoft Windows Server 2025 Datacenter Azure Edition",  "10.0.26100", 3,    "GenuineIntel", "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz",    1,       16,  64,   "12.0",  "Microsoft Corporation", "Virtual Machine",
        Azure: new("Standard_D16s_v5", "westeurope", new Guid("6f2b3c1e-8a4d-4e5f-9b1a-2c3d4e5f6a7b")));
    public static readonly Row Ws2016Opteron = new("Microsoft Windows Server 2016 Datacenter",            "10.0.14393", 3,    "AuthenticAMD", "AMD Opteron(tm) Processor 6380",                   4,       64,  512,  "8.0",   "Supermicro",            "H8QGi-F");
    public static readonly Row Windows11   = new("Microsoft Windows 11 Enterprise",                         "10.0.26100", 1,    "GenuineIntel", "13th Gen Intel(R) Core(TM) i7-13700",              1,       24,  64,   "12.0",  "LENOVO",                "ThinkStation P3 Tower");
}
