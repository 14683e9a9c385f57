using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Tests.Readiness;

/// <summary>Hosts and VMs for the readiness tests: a sound default that each test bends in one place.</summary>
internal static class Lab
{
    public const long Gb = 1024L * 1024 * 1024;

    public static HostFacts Host(
        ProcessorVendor vendor = ProcessorVendor.Intel,
        string caption = "Microsoft Windows Server 2022 Datacenter",
        string osVersion = "10.0.20348",
        int build = 20348,
        bool isServer = true,
        bool hyperV = true,
        IReadOnlyList<Version>? supported = null,
        Version? defaultVersion = null,
        bool isAzure = false,
        string? azureSecurityType = null,
        string? model = null)
    {
        supported ??= Versions("5.0", "6.2", "7.0", "7.1", "8.0", "8.1", "8.2", "8.3", "9.0", "9.1", "9.2", "9.3", "10.0");
        return new HostFacts(
            "HV01",
            caption,
            osVersion,
            build,
            isServer,
            vendor,
            vendor switch
            {
                ProcessorVendor.Intel => "GenuineIntel",
                ProcessorVendor.Amd => "AuthenticAMD",
                ProcessorVendor.Other => "CentaurHauls",
                _ => "",
            },
            // A real model name per maker: the AMD family rule reads it (EPYC / Ryzen or later).
            model ?? vendor switch
            {
                ProcessorVendor.Intel => "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
                ProcessorVendor.Amd => "AMD EPYC 7763 64-Core Processor",
                _ => "Test CPU",
            },
            16,
            64 * Gb,
            hyperV,
            supported,
            defaultVersion ?? (supported.Count > 0 ? supported[^1] : null),
            isAzure,
            azureSecurityType);
    }

    public static VmSnapshot Vm(
        string configVersion = "10.0",
        VmState state = VmState.Off,
        int vcpus = 4,
        bool dynamicMemory = false,
        long startupBytes = 8 * Gb,
        bool checkpoints = false,
        int generation = 2,
        string? guestOsName = "Windows Server 2022 Datacenter",
        string? guestOsVersion = "10.0.20348",
        bool nested = false,
        string name = "L1-Lab") =>
        new(
            Guid.Parse("6b1f7c52-3a4e-4d1b-9c1e-0a2b3c4d5e6f"),
            name,
            state,
            TimeSpan.Zero,
            0,
            0,
            dynamicMemory,
            startupBytes,
            Version.Parse(configVersion),
            generation,
            vcpus,
            nested,
            checkpoints,
            [],
            guestOsName,
            guestOsVersion);

    public static IReadOnlyList<Version> Versions(params string[] versions) => versions.Select(Version.Parse).ToList();
}
