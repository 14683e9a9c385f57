namespace NestedHvDashboard.Simulator.HyperV;

/// <summary>The exception Hyper-V's cmdlets report (Microsoft.HyperV.PowerShell.VirtualizationException).</summary>
public sealed class VirtualizationException : Exception
{
    public VirtualizationException()
    {
    }

    public VirtualizationException(string message)
        : base(message)
    {
    }

    public VirtualizationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
