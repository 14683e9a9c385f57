using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Core.Networking;

/// <summary>Names of the fields an <see cref="L1SwitchPlan"/> problem can point at.</summary>
public static class L1SwitchField
{
    /// <summary>The L1 VM itself (its power state, its Hyper-V, its adapters on the host).</summary>
    public const string L1 = "L1";

    /// <summary>The switch's name.</summary>
    public const string SwitchName = nameof(ExternalSwitchRequest.SwitchName);

    /// <summary>The L1 guest's adapter the switch binds to.</summary>
    public const string NetAdapterName = nameof(ExternalSwitchRequest.NetAdapterName);

    /// <summary>An L2 VM's name.</summary>
    public const string L2VmName = "L2VmName";

    /// <summary>An L2 VM's virtual processors.</summary>
    public const string ProcessorCount = nameof(L2VmRequest.ProcessorCount);

    /// <summary>An L2 VM's memory.</summary>
    public const string MemoryStartupBytes = nameof(L2VmRequest.MemoryStartupBytes);

    /// <summary>An L2 VM's OS image.</summary>
    public const string OsImagePath = nameof(L2VmRequest.OsImagePath);
}

/// <summary>
/// The commands that change the Hyper-V inside an L1 (its external switch, its L2 VMs and their adapters) and the checks each
/// request passes before anything runs, against the L1 as its host reports it and a fresh read of the guest. The commands are
/// data: the engine runs them with these parameters, the page shows <see cref="PlannedCommand.DisplayText"/> for review.
/// </summary>
public static class L1SwitchPlan
{
    /// <summary>Why the L1's adapters need MAC spoofing for an external switch inside it, in Microsoft's words.</summary>
    public const string SpoofingWhy =
        "In order for network packets to be routed through two virtual switches, MAC address spoofing must be enabled on the first (L1) level of virtual switch.";

    /// <summary>Hyper-V's smallest startup memory for a VM (32 MB), and its granularity (2 MB).</summary>
    public const long MinimumMemoryBytes = 32L * 1024 * 1024;

    private const long MemoryGranularity = 2L * 1024 * 1024;

    /// <summary>The most virtual processors offered for an L2 VM (Hyper-V's own limit is far above what an L1 holds).</summary>
    public const int MaximumProcessorCount = 64;

    /// <summary>New-VMSwitch -Name -NetAdapterName -AllowManagementOS $true, as run inside the L1.</summary>
    public static PlannedCommand CreateExternal(ExternalSwitchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new("New-VMSwitch", [new("Name", Clean(request.SwitchName)), new("NetAdapterName", Clean(request.NetAdapterName)), new("AllowManagementOS", true)]);
    }

    /// <summary>Remove-VMSwitch -Name -Force, as run inside the L1 (also the undo of a switch just created).</summary>
    public static PlannedCommand RemoveSwitch(string switchName) => new("Remove-VMSwitch", [new("Name", Clean(switchName)), new("Force")]);

    /// <summary>Connect-VMNetworkAdapter -VMName -SwitchName: every adapter of the VM to the switch.</summary>
    public static PlannedCommand Connect(string vmName, string switchName) => new("Connect-VMNetworkAdapter", [new("VMName", Clean(vmName)), new("SwitchName", Clean(switchName))]);

    /// <summary>The commands creating an L2 VM, in order; <paramref name="diskFolder"/> is the L1's virtual hard disk folder.</summary>
    public static IReadOnlyList<PlannedCommand> NewL2Vm(L2VmRequest request, string diskFolder = @"<Get-VMHost's VirtualHardDiskPath>")
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = Clean(request.Name);
        var commands = new List<PlannedCommand>();
        List<PlannedParameter> newVm = [new("Name", name), new("Generation", 2), new("MemoryStartupBytes", request.MemoryStartupBytes), new("SwitchName", Clean(request.SwitchName))];
        if (!string.IsNullOrWhiteSpace(request.OsImagePath))
        {
            var disk = DiskPath(diskFolder, name);
            commands.Add(new("New-VHD", [new("Path", disk), new("ParentPath", request.OsImagePath.Trim()), new("Differencing")]));
            newVm.Add(new("VHDPath", disk));
        }
        else
        {
            newVm.Add(new("NoVHD"));
        }

        commands.Add(new("New-VM", newVm));
        commands.Add(new("Set-VMMemory", [new("VMName", name), new("DynamicMemoryEnabled", false)]));
        commands.Add(new("Set-VMProcessor", [new("VMName", name), new("Count", request.ProcessorCount)]));
        return commands;
    }

    /// <summary>The differencing disk of L2 VM <paramref name="vmName"/>: "&lt;folder&gt;\&lt;name&gt;.vhdx".</summary>
    public static string DiskPath(string diskFolder, string vmName) => $"{(diskFolder ?? "").TrimEnd('\\')}\\{vmName}.vhdx";

    /// <summary>Why the L1 cannot take a switch change now (not running, Hyper-V not running inside); empty when it can.</summary>
    public static IReadOnlyList<NatNetworkProblem> CheckL1(VmSnapshot l1, L1SwitchesReading? reading)
    {
        ArgumentNullException.ThrowIfNull(l1);
        var problems = new List<NatNetworkProblem>();
        if (l1.State is not VmState.Running)
        {
            problems.Add(new(L1SwitchField.L1, $"VM '{l1.Name}' is {l1.State}: PowerShell Direct reaches only a running guest; start it first."));
        }
        else if (reading is { HyperVRuns: false })
        {
            problems.Add(new(L1SwitchField.L1, $"Hyper-V does not run inside VM '{l1.Name}', so it has no virtual switches or VMs; install Hyper-V in the guest first."));
        }

        return problems;
    }

    /// <summary>Checks an external switch request: the L1, the name, the adapter, and MAC spoofing on the L1's adapters on its host.</summary>
    public static IReadOnlyList<NatNetworkProblem> ValidateCreate(VmSnapshot l1, L1SwitchesReading reading, ExternalSwitchRequest request)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(request);
        var problems = CheckL1(l1, reading).ToList();
        var name = Clean(request.SwitchName);
        problems.AddRange(NameProblems(name, "switch", L1SwitchField.SwitchName));
        if (name.Length > 0 && reading.Switches.FirstOrDefault(s => Same(s.Name, name)) is { } taken)
        {
            problems.Add(new(L1SwitchField.SwitchName, $"The guest already has a {taken.SwitchType.ToLowerInvariant()} switch named '{taken.Name}'; choose another name."));
        }

        var adapterName = Clean(request.NetAdapterName);
        var adapter = reading.Adapters.FirstOrDefault(a => Same(a.Name, adapterName));
        if (adapterName.Length == 0)
        {
            problems.Add(new(L1SwitchField.NetAdapterName, "Choose the guest's network adapter the switch binds to."));
        }
        else if (adapter is null)
        {
            problems.Add(new(L1SwitchField.NetAdapterName, $"The guest has no network adapter named '{adapterName}' (it has {List(reading.Adapters.Select(a => a.Name))})."));
        }
        else if (reading.Switches.FirstOrDefault(s => Same(s.NetAdapterName, adapter.Name)) is { } bound)
        {
            problems.Add(new(L1SwitchField.NetAdapterName, $"The guest's adapter '{adapter.Name}' is already bound to the external switch '{bound.Name}'."));
        }
        else if (IsSwitchHostAdapter(adapter))
        {
            problems.Add(new(L1SwitchField.NetAdapterName, $"'{adapter.Name}' is a virtual switch's own host adapter, not one the guest can bind a switch to."));
        }

        var spoofingOff = l1.NetworkAdapters.Where(a => !a.MacAddressSpoofing).Select(a => a.Name).ToList();
        if (l1.NetworkAdapters.Count == 0)
        {
            problems.Add(new(L1SwitchField.L1, $"VM '{l1.Name}' has no network adapter on its host, so an external switch inside it reaches no network."));
        }
        else if (spoofingOff.Count > 0)
        {
            problems.Add(new(L1SwitchField.L1,
                $"MAC address spoofing is off on {List(spoofingOff)} of VM '{l1.Name}' on its host. {SpoofingWhy} Turn it on in the network adapters card first."));
        }

        return problems;
    }

    /// <summary>Checks removing a switch: it exists and no L2 adapter is connected to it (naming them).</summary>
    public static IReadOnlyList<NatNetworkProblem> ValidateRemove(VmSnapshot l1, L1SwitchesReading reading, string switchName)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var problems = CheckL1(l1, reading).ToList();
        var name = Clean(switchName);
        if (reading.Switches.FirstOrDefault(s => Same(s.Name, name)) is not { } found)
        {
            problems.Add(new(L1SwitchField.SwitchName, $"The guest has no switch named '{name}'."));
            return problems;
        }

        var connected = ConnectedTo(reading, found.Name);
        if (connected.Count > 0)
        {
            problems.Add(new(L1SwitchField.SwitchName,
                $"L2 adapters are connected to '{found.Name}': {List(connected.Select(a => $"{a.VmName} ({a.AdapterName})"))}. Connect them to another switch first."));
        }

        return problems;
    }

    /// <summary>Checks connecting an L2 VM's adapters: the VM has adapters and the switch exists.</summary>
    public static IReadOnlyList<NatNetworkProblem> ValidateConnect(VmSnapshot l1, L1SwitchesReading reading, string l2VmName, string switchName)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var problems = CheckL1(l1, reading).ToList();
        var vm = Clean(l2VmName);
        if (!reading.L2Adapters.Any(a => Same(a.VmName, vm)))
        {
            problems.Add(new(L1SwitchField.L2VmName, $"The guest has no L2 VM named '{vm}' with a network adapter."));
        }

        var name = Clean(switchName);
        if (!reading.Switches.Any(s => Same(s.Name, name)))
        {
            problems.Add(new(L1SwitchField.SwitchName, $"The guest has no switch named '{name}' (it has {List(reading.Switches.Select(s => s.Name))})."));
        }

        return problems;
    }

    /// <summary>Checks an L2 VM request: the name (free), processors, memory, the switch and the image's file type.</summary>
    public static IReadOnlyList<NatNetworkProblem> ValidateNewL2Vm(VmSnapshot l1, L1SwitchesReading reading, IReadOnlyList<string> l2VmNames, L2VmRequest request)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(l2VmNames);
        ArgumentNullException.ThrowIfNull(request);
        var problems = CheckL1(l1, reading).ToList();
        var name = Clean(request.Name);
        problems.AddRange(NameProblems(name, "VM", L1SwitchField.L2VmName));
        if (name.Length > 0 && l2VmNames.FirstOrDefault(n => Same(n, name)) is { } taken)
        {
            problems.Add(new(L1SwitchField.L2VmName, $"The guest already has a VM named '{taken}'."));
        }

        if (request.ProcessorCount is < 1 or > MaximumProcessorCount)
        {
            problems.Add(new(L1SwitchField.ProcessorCount, $"{request.ProcessorCount} virtual processors: choose 1 to {MaximumProcessorCount}."));
        }

        if (request.MemoryStartupBytes < MinimumMemoryBytes || request.MemoryStartupBytes % MemoryGranularity != 0)
        {
            problems.Add(new(L1SwitchField.MemoryStartupBytes, $"{request.MemoryStartupBytes} bytes of memory: Hyper-V needs at least 32 MB, in whole 2 MB steps."));
        }

        var switchName = Clean(request.SwitchName);
        if (!reading.Switches.Any(s => Same(s.Name, switchName)))
        {
            problems.Add(new(L1SwitchField.SwitchName, $"The guest has no switch named '{switchName}' (it has {List(reading.Switches.Select(s => s.Name))})."));
        }

        if (request.OsImagePath is { } image && !string.IsNullOrWhiteSpace(image)
            && !image.Trim().EndsWith(".vhdx", StringComparison.OrdinalIgnoreCase) && !image.Trim().EndsWith(".vhd", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new(L1SwitchField.OsImagePath, $"'{image.Trim()}' is not a virtual hard disk (.vhdx or .vhd)."));
        }

        return problems;
    }

    /// <summary>The L2 adapters connected to switch <paramref name="switchName"/>.</summary>
    public static IReadOnlyList<L2AdapterConnection> ConnectedTo(L1SwitchesReading reading, string switchName)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return [.. reading.L2Adapters.Where(a => Same(a.SwitchName, switchName))];
    }

    /// <summary>The guest's adapters a new external switch can bind to: not a switch's host adapter, not already bound.</summary>
    public static IReadOnlyList<L1NetAdapter> BindableAdapters(L1SwitchesReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return [.. reading.Adapters.Where(a => !IsSwitchHostAdapter(a) && !reading.Switches.Any(s => Same(s.NetAdapterName, a.Name)))];
    }

    private static bool IsSwitchHostAdapter(L1NetAdapter adapter) =>
        adapter.Name.StartsWith("vEthernet (", StringComparison.OrdinalIgnoreCase) || adapter.InterfaceDescription.StartsWith("Hyper-V Virtual Ethernet Adapter", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<NatNetworkProblem> NameProblems(string name, string what, string field)
    {
        if (name.Length == 0)
        {
            yield return new(field, $"The {what} name is empty.");
            yield break;
        }

        if (name.Length > NatNetworkValidator.MaxSwitchNameLength)
        {
            yield return new(field, $"The {what} name is {name.Length} characters long; keep it to {NatNetworkValidator.MaxSwitchNameLength}.");
        }

        var bad = name.Where(c => char.IsControl(c) || c is '\\' or '/' or ':' or '*' or '?' or '"' or '<' or '>' or '|').Distinct().ToList();
        if (bad.Count > 0)
        {
            yield return new(field, $"The {what} name '{name}' contains {string.Join(" ", bad.Select(c => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString()))}, which Hyper-V refuses in names.");
        }
    }

    private static string Clean(string? text) => text?.Trim() ?? "";

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string List(IEnumerable<string> names)
    {
        var all = names.Select(n => $"'{n}'").ToList();
        return all.Count == 0 ? "none" : string.Join(", ", all);
    }
}
