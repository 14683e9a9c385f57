namespace NestedHvDashboard.Core.Readiness;

/// <summary>The stable ids of every readiness rule, and which of them block enabling nested virtualization.</summary>
public static class ReadinessRuleIds
{
    public const string HostProcessor = "host.processor";
    public const string HostOs = "host.os";
    public const string HostHyperV = "host.hyperv";
    public const string HostAzureSecurityType = "host.azure-security-type";

    public const string VmHostSupport = "vm.host-support";
    public const string VmConfigVersion = "vm.config-version";
    public const string VmL1Vcpus = "vm.l1-vcpus";
    public const string VmGeneration = "vm.generation";
    public const string VmPowerState = "vm.power-state";
    public const string VmDynamicMemory = "vm.dynamic-memory";
    public const string VmStartupMemory = "vm.startup-memory";
    public const string VmCheckpoints = "vm.checkpoints";

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
        VmHostSupport,
        VmConfigVersion,
        VmL1Vcpus,
    ];

    /// <summary>
    /// True for the guide's prerequisites: when one fails, nested virtualization cannot work.
    /// The others (power state, memory, checkpoints) are warnings the dashboard or the user can act on.
    /// </summary>
    public static bool IsBlocking(string ruleId) => Blocking.Contains(ruleId);
}
