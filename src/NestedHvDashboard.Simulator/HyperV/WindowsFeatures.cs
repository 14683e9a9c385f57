namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>The Hyper-V features the simulator knows: Server Manager names (Server) and DISM names (client).</summary>
public static class WindowsFeatures
{
    /// <summary>Install-WindowsFeature names, with display names and type, in Get-WindowsFeature order.</summary>
    public static IReadOnlyList<(string Name, string DisplayName, string FeatureType)> Server { get; } =
    [
        ("Hyper-V", "Hyper-V", "Role"),
        ("RSAT-Hyper-V-Tools", "Hyper-V Management Tools", "Feature"),
        ("Hyper-V-Tools", "Hyper-V GUI Management Tools", "Feature"),
        ("Hyper-V-PowerShell", "Hyper-V Module for Windows PowerShell", "Feature"),
    ];

    /// <summary>What -IncludeManagementTools adds to Hyper-V.</summary>
    public static IReadOnlyList<string> ServerManagementTools { get; } = ["RSAT-Hyper-V-Tools", "Hyper-V-Tools", "Hyper-V-PowerShell"];

    /// <summary>DISM optional feature names with their parent (null for a root).</summary>
    public static IReadOnlyList<(string Name, string? Parent)> Client { get; } =
    [
        ("Microsoft-Hyper-V-All", null),
        ("Microsoft-Hyper-V", "Microsoft-Hyper-V-All"),
        ("Microsoft-Hyper-V-Hypervisor", "Microsoft-Hyper-V"),
        ("Microsoft-Hyper-V-Services", "Microsoft-Hyper-V"),
        ("Microsoft-Hyper-V-Tools-All", "Microsoft-Hyper-V-All"),
        ("Microsoft-Hyper-V-Management-PowerShell", "Microsoft-Hyper-V-Tools-All"),
        ("Microsoft-Hyper-V-Management-Clients", "Microsoft-Hyper-V-Tools-All"),
    ];

    /// <summary>True for a feature whose installation makes the machine a Hyper-V host.</summary>
    public static bool IsHyperVRole(string name) =>
        name.Equals("Hyper-V", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Microsoft-Hyper-V", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Microsoft-Hyper-V-Hypervisor", StringComparison.OrdinalIgnoreCase);

    /// <summary>Everything a machine running Hyper-V has installed, under both naming schemes.</summary>
    public static IEnumerable<string> AllHyperV => Server.Select(f => f.Name).Concat(Client.Select(f => f.Name));

    /// <summary>The message the installers give when the processor (here: the VM) lacks virtualization extensions.</summary>
    public const string NoVirtualizationMessage = "Hyper-V cannot be installed: The processor does not have required virtualization capabilities.";
}

/// <summary>Get-WindowsFeature's output (Microsoft.Windows.ServerManager.Commands.Feature).</summary>
public sealed class WindowsFeature
{
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public bool Installed { get; init; }

    /// <summary>"Installed", "Available" or "InstallPending".</summary>
    public required string InstallState { get; init; }

    public required string FeatureType { get; init; }
}

/// <summary>Install-WindowsFeature's output (Microsoft.Windows.ServerManager.Commands.FeatureOperationResult).</summary>
public sealed class FeatureOperationResult
{
    public bool Success { get; init; }

    /// <summary>"Yes" or "No".</summary>
    public required string RestartNeeded { get; init; }

    /// <summary>"Success", "SuccessRestartRequired" or "NoChangeNeeded".</summary>
    public required string ExitCode { get; init; }

    public string[] FeatureResult { get; init; } = [];
}

/// <summary>Get-WindowsOptionalFeature's output (Microsoft.Dism.Commands.BasicFeatureObject).</summary>
public sealed class OptionalFeature
{
    public required string FeatureName { get; init; }

    /// <summary>"Enabled", "Disabled" or "EnablePending".</summary>
    public required string State { get; init; }

    public bool Online { get; init; } = true;
}

/// <summary>Enable-WindowsOptionalFeature's output (Microsoft.Dism.Commands.ImageObject).</summary>
public sealed class DismImage
{
    public bool Online { get; init; } = true;

    public bool RestartNeeded { get; init; }

    public string Path { get; init; } = "";
}
