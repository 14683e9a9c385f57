using System.Management.Automation;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// The DISM parameters Get-/Enable-WindowsOptionalFeature document beyond -Online and -FeatureName. The simulated machine
/// has no offline image, so -Path (the Offline set) fails as DISM does for a folder that holds none; the servicing options
/// (-LogPath, -ScratchDirectory, -Source, ...) are accepted and change nothing the simulator models.
/// </summary>
public abstract class DismFeatureCmdlet : WindowsFeatureCmdlet
{
    /// <summary>The root of an offline (mounted) Windows image.</summary>
    [Parameter(ParameterSetName = "Offline", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? PackageName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? WindowsDirectory { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? SystemDrive { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("LP")]
    public string? LogPath { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ScratchDirectory { get; set; }

    /// <summary>Errors, Warnings or WarningsInfo (DISM's LogLevel).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("LL")]
    [ValidateSet("Errors", "Warnings", "WarningsInfo")]
    public string? LogLevel { get; set; }

    internal ErrorRecord OfflineImageMissing(string path)
    {
        var message = "The system cannot find the path specified.";
        return Error(message, GetType().FullName!, ErrorCategory.NotSpecified, path, new DirectoryNotFoundException(message));
    }
}

/// <summary>Get-WindowsOptionalFeature's documented -PackagePath.</summary>
public sealed partial class GetWindowsOptionalFeatureCommand
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? PackagePath { get; set; }
}

/// <summary>Enable-WindowsOptionalFeature's documented -Source and -LimitAccess.</summary>
public sealed partial class EnableWindowsOptionalFeatureCommand
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Source { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter LimitAccess { get; set; }
}
