namespace NestedHvDashboard.Simulator.State;

/// <summary>A virtual hard disk New-VHD created: its path, its kind and, for a differencing disk, its parent.</summary>
public sealed class SimulatedVirtualDisk
{
    public string Path { get; set; } = "";

    /// <summary>Dynamic, Fixed or Differencing (Hyper-V's VhdType).</summary>
    public string VhdType { get; set; } = "Dynamic";

    /// <summary>For a differencing disk, the disk it records changes against.</summary>
    public string? ParentPath { get; set; }

    public ulong Size { get; set; }
}
