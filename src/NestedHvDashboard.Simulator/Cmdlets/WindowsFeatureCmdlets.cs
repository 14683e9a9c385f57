using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>What Server Manager and DISM cmdlets share: the feature states and the Hyper-V prerequisite.</summary>
public abstract class WindowsFeatureCmdlet : SimulatorCmdlet
{
    internal static string StateOf(SimulatedHost h, string name) =>
        h.PendingFeatures.Contains(name, StringComparer.OrdinalIgnoreCase) ? "Pending"
        : h.InstalledFeatures.Contains(name, StringComparer.OrdinalIgnoreCase) || (h.HyperVInstalled && WindowsFeatures.AllHyperV.Contains(name, StringComparer.OrdinalIgnoreCase)) ? "Installed"
        : "Available";

    /// <summary>
    /// Null when Hyper-V may be installed here; otherwise the installer's refusal. Inside a guest the
    /// guest's VM must expose virtualization extensions (nested virtualization on).
    /// </summary>
    internal string? HyperVPrerequisiteFailure()
    {
        if (ParentVm is not { } parent)
        {
            return null;
        }

        var exposed = parent.Host.Read(h => h.Vms.Find(v => v.Id == parent.VmId)?.ExposeVirtualizationExtensions ?? false);
        return exposed ? null : WindowsFeatures.NoVirtualizationMessage;
    }

    /// <summary>Restarts this guest's VM (Stopping, Starting, Running) after finishing pending features.</summary>
    internal void RestartGuest()
    {
        if (ParentVm is not { } parent)
        {
            WriteWarning("The simulated host cannot restart itself; the change is pending until it does.");
            return;
        }

        parent.Host.Update(h =>
        {
            var vm = h.Vms.Find(v => v.Id == parent.VmId);
            if (vm is not null)
            {
                vm.GuestIsHyperVHost = vm.Guest?.CompletePendingFeatures() ?? vm.GuestIsHyperVHost;
                vm.BeginRestart(Now, h.Timing.StopDuration, h.Timing.StartDuration);
            }

            return vm is not null;
        });
    }

    internal bool IsClientOs => Sim.Read(h => h.Profile.ProductType == 1);
}

/// <summary>Get-WindowsFeature (Server only): the Hyper-V role and its tools.</summary>
[Cmdlet(VerbsCommon.Get, "WindowsFeature")]
[OutputType(typeof(WindowsFeature))]
public sealed class GetWindowsFeatureCommand : WindowsFeatureCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        if (IsClientOs)
        {
            ThrowTerminatingError(ClientOsError("Get-WindowsFeature"));
        }

        var features = Sim.Read(h => WindowsFeatures.Server
            .Where(f => Name is null || Name.Any(n => NameMatches(n, f.Name)))
            .Select(f => (Feature: f, State: StateOf(h, f.Name)))
            .Select(x => new WindowsFeature
            {
                Name = x.Feature.Name,
                DisplayName = x.Feature.DisplayName,
                FeatureType = x.Feature.FeatureType,
                InstallState = x.State == "Pending" ? "InstallPending" : x.State,
                Installed = x.State == "Installed",
            })
            .ToList());
        EmitAll(features, TypeNames.WindowsFeature);
    }

    internal static ErrorRecord ClientOsError(string command) => Error(
        "The target of the specified cmdlet cannot be a Windows client-based operating system.",
        $"NotSupportedOnClient,{command}",
        ErrorCategory.DeviceError,
        null);
}

/// <summary>Install-WindowsFeature (Server only); Hyper-V needs virtualization extensions and a restart.</summary>
[Cmdlet(VerbsLifecycle.Install, "WindowsFeature", SupportsShouldProcess = true)]
[Alias("Add-WindowsFeature")]
[OutputType(typeof(FeatureOperationResult))]
public sealed class InstallWindowsFeatureCommand : WindowsFeatureCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    [Parameter]
    public SwitchParameter IncludeManagementTools { get; set; }

    [Parameter]
    public SwitchParameter IncludeAllSubFeature { get; set; }

    [Parameter]
    public SwitchParameter Restart { get; set; }

    protected override void ProcessRecord()
    {
        if (IsClientOs)
        {
            ThrowTerminatingError(GetWindowsFeatureCommand.ClientOsError("Install-WindowsFeature"));
        }

        var unknown = Name.FirstOrDefault(n => !WindowsFeatures.Server.Any(f => f.Name.Equals(n, StringComparison.OrdinalIgnoreCase)));
        if (unknown is not null)
        {
            ThrowTerminatingError(Error(
                $"ArgumentNotValid: The role, role service, or feature name is not valid: '{unknown}'. The name was not found.",
                "NameDoesNotExist,Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand",
                ErrorCategory.InvalidData,
                unknown));
        }

        var wanted = Name.Select(n => WindowsFeatures.Server.First(f => f.Name.Equals(n, StringComparison.OrdinalIgnoreCase)).Name).ToList();
        if (IncludeManagementTools && wanted.Contains("Hyper-V"))
        {
            wanted.AddRange(WindowsFeatures.ServerManagementTools.Except(wanted));
        }

        if (wanted.Exists(WindowsFeatures.IsHyperVRole) && HyperVPrerequisiteFailure() is { } failure && !Sim.Read(h => h.HyperVInstalled))
        {
            ThrowTerminatingError(Error(
                $"Installation of one or more roles, role services, or features failed. {failure}",
                "Alteration_PrerequisiteCheck_Failed,Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand",
                ErrorCategory.InvalidOperation,
                "Hyper-V"));
        }

        if (!ShouldProcess(string.Join(", ", wanted), "Install-WindowsFeature"))
        {
            return;
        }

        var added = Sim.Update(h =>
        {
            var toAdd = wanted.Where(n => StateOf(h, n) == "Available").ToList();
            foreach (var name in toAdd)
            {
                // Roles wait for a restart; tools are usable at once.
                (WindowsFeatures.IsHyperVRole(name) ? h.PendingFeatures : h.InstalledFeatures).Add(name);
            }

            return toAdd;
        });
        var restartNeeded = added.Exists(WindowsFeatures.IsHyperVRole) || (Restart && Sim.Read(h => h.PendingFeatures.Count > 0));
        Emit(
            new FeatureOperationResult
            {
                Success = true,
                RestartNeeded = restartNeeded ? "Yes" : "No",
                ExitCode = added.Count == 0 ? "NoChangeNeeded" : restartNeeded ? "SuccessRestartRequired" : "Success",
                FeatureResult = [.. added],
            },
            TypeNames.FeatureOperationResult);
        if (restartNeeded && Restart)
        {
            RestartGuest();
        }
        else if (restartNeeded)
        {
            WriteWarning("You must restart this server to finish the installation process.");
        }
    }
}

/// <summary>Get-WindowsOptionalFeature -Online: the Hyper-V optional features.</summary>
[Cmdlet(VerbsCommon.Get, "WindowsOptionalFeature", DefaultParameterSetName = "Online")]
[OutputType(typeof(OptionalFeature))]
public sealed partial class GetWindowsOptionalFeatureCommand : DismFeatureCmdlet
{
    [Parameter(ParameterSetName = "Online", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public SwitchParameter Online { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FeatureName { get; set; }

    protected override void ProcessRecord()
    {
        if (Path is not null)
        {
            WriteError(OfflineImageMissing(Path));
            return;
        }

        var features = Sim.Read(h => WindowsFeatures.Client
            .Where(f => FeatureName is null || NameMatches(FeatureName, f.Name))
            .Select(f => new OptionalFeature
            {
                FeatureName = f.Name,
                State = StateOf(h, f.Name) switch { "Pending" => "EnablePending", "Installed" => "Enabled", _ => "Disabled" },
            })
            .ToList());
        if (FeatureName is not null && !IsWildcard(FeatureName) && features.Count == 0)
        {
            WriteError(UnknownFeature(FeatureName, "Get-WindowsOptionalFeature"));
        }

        EmitAll(features, TypeNames.OptionalFeature);
    }

    internal static ErrorRecord UnknownFeature(string name, string command) => Error(
        $"Feature name {name} is unknown.",
        $"Microsoft.Dism.Commands.{command.Replace("-", "", StringComparison.Ordinal)}Command",
        ErrorCategory.NotSpecified,
        name);
}

/// <summary>
/// Enable-WindowsOptionalFeature -Online: enables a Hyper-V feature (and with -All its parents); the change
/// waits for a restart. The simulator never restarts on its own here: the real cmdlet's prompt cannot be
/// answered over PowerShell Direct, so a caller restarts the VM (or passes -NoRestart, the same here).
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "WindowsOptionalFeature", DefaultParameterSetName = "Online", SupportsShouldProcess = true)]
[OutputType(typeof(DismImage))]
public sealed partial class EnableWindowsOptionalFeatureCommand : DismFeatureCmdlet
{
    [Parameter(ParameterSetName = "Online", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public SwitchParameter Online { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] FeatureName { get; set; } = [];

    [Parameter]
    public SwitchParameter All { get; set; }

    [Parameter]
    public SwitchParameter NoRestart { get; set; }

    protected override void ProcessRecord()
    {
        if (Path is not null)
        {
            WriteError(OfflineImageMissing(Path));
            return;
        }

        var wanted = new List<string>();
        foreach (var requested in FeatureName)
        {
            var feature = WindowsFeatures.Client.FirstOrDefault(f => f.Name.Equals(requested, StringComparison.OrdinalIgnoreCase));
            if (feature.Name is null)
            {
                ThrowTerminatingError(GetWindowsOptionalFeatureCommand.UnknownFeature(requested, "Enable-WindowsOptionalFeature"));
            }

            wanted.Add(feature.Name);
            for (var parent = feature.Parent; parent is not null; parent = WindowsFeatures.Client.First(f => f.Name == parent).Parent)
            {
                if (All)
                {
                    wanted.Add(parent);
                }
                else if (Sim.Read(h => StateOf(h, parent)) == "Available" && !FeatureName.Contains(parent, StringComparer.OrdinalIgnoreCase))
                {
                    ThrowTerminatingError(Error(
                        "Enable-WindowsOptionalFeature : One or several parent features are disabled so current feature can not be enabled.",
                        "Microsoft.Dism.Commands.EnableWindowsOptionalFeatureCommand",
                        ErrorCategory.NotSpecified,
                        requested));
                }
            }
        }

        if (wanted.Exists(WindowsFeatures.IsHyperVRole) && !Sim.Read(h => h.HyperVInstalled) && HyperVPrerequisiteFailure() is { } failure)
        {
            ThrowTerminatingError(Error(failure, "Microsoft.Dism.Commands.EnableWindowsOptionalFeatureCommand", ErrorCategory.NotSpecified, "Microsoft-Hyper-V"));
        }

        if (!ShouldProcess(string.Join(", ", wanted.Distinct()), "Enable-WindowsOptionalFeature"))
        {
            return;
        }

        var restartNeeded = Sim.Update(h =>
        {
            var pending = false;
            foreach (var name in wanted.Distinct(StringComparer.OrdinalIgnoreCase).Where(n => StateOf(h, n) == "Available"))
            {
                h.PendingFeatures.Add(name);
                pending = true;
            }

            // The hypervisor comes with Microsoft-Hyper-V.
            if (pending && wanted.Contains("Microsoft-Hyper-V", StringComparer.OrdinalIgnoreCase) && StateOf(h, "Microsoft-Hyper-V-Hypervisor") == "Available")
            {
                h.PendingFeatures.Add("Microsoft-Hyper-V-Hypervisor");
            }

            return h.PendingFeatures.Count > 0;
        });
        Emit(new DismImage { RestartNeeded = restartNeeded }, TypeNames.DismImage);
    }
}
