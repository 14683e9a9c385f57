namespace NestedHvDashboard.Core.Readiness;

/// <summary>The stable ids of every readiness rule, and which of them block enabling nested virtualization.</summary>
public static class ReadinessRuleIds
{
    public const string HostProcessor = "host.processor";
    public const string HostOs = "host.os";
    public const string HostHyperV = "host.hyperv";
    public const string HostAzureSecurityType = "host.azure-security-type";

    /// <summary>An AMD host needs EPYC / Ryzen or later (Zen); an Opteron or other pre-Zen family cannot nest.</summary>
    public const string HostProcessorFamily = "host.processor-family";

    /// <summary>VT-x with EPT (Intel) or AMD-V with RVI, where the host reports them (only while no hypervisor runs).</summary>
    public const string HostVirtualizationExtensions = "host.virtualization-extensions";

    /// <summary>A failover cluster node: live migration of a VM that hosts VMs fails.</summary>
    public const string HostCluster = "host.cluster";

    public const string VmHostSupport = "vm.host-support";
    public const string VmConfigVersion = "vm.config-version";
    public const string VmL1Vcpus = "vm.l1-vcpus";
    public const string VmGeneration = "vm.generation";
    public const string VmPowerState = "vm.power-state";
    public const string VmDynamicMemory = "vm.dynamic-memory";
    public const string VmStartupMemory = "vm.startup-memory";
    public const string VmCheckpoints = "vm.checkpoints";

    /// <summary>The guest is a Windows release that runs Hyper-V nested (Windows Server 2016+ / Windows 10+), or not known.</summary>
    public const string VmGuestOs = "vm.guest-os";

    /// <summary>While Hyper-V runs in the guest, its memory cannot change at runtime (dynamic memory does not fluctuate).</summary>
    public const string VmMemoryResize = "vm.memory-resize";

    /// <summary>A clustered VM: the cluster live-migrates it, and live migration of a VM that hosts VMs fails.</summary>
    public const string VmClustered = "vm.clustered";

    /// <summary>A VM with nested on needs MAC spoofing or NAT in the guest, else its nested VMs have no network.</summary>
    public const string VmL2Network = "vm.l2-network";

    /// <summary>Inside an L1 guest with nested on: the hypervisor launches at boot, and VBS / HVCI / Credential Guard (read over PowerShell Direct).</summary>
    public const string VmGuestSecurity = "vm.guest-security";

    private static readonly HashSet<string> Blocking =
    [
        HostProcessor,
        HostOs,
        HostHyperV,
        HostAzureSecurityType,
        HostProcessorFamily,
        HostVirtualizationExtensions,
        VmHostSupport,
        VmConfigVersion,
    ];

    /// <summary>
    /// True for the guide's prerequisites: when one fails, nested virtualization cannot work.
    /// The others (power state, memory, checkpoints, the 225-vCPU "should", guest OS, clustering) are warnings the
    /// dashboard or the user can act on.
    /// </summary>
    public static bool IsBlocking(string ruleId) => Blocking.Contains(ruleId);
}
