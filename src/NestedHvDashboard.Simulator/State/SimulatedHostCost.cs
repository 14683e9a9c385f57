namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// What a call would cost a real Hyper-V host: the simulator answers in microseconds, a host with
/// hundreds of VMs does not. When a <see cref="SimulatedHost"/> has a cost model (off unless set: the
/// tests leave it off, the <c>watch-cost</c> benchmark turns it on), its read cmdlets charge host time
/// to it, counted (not slept), so a benchmark can add it to the time it measures.
/// </summary>
/// <remarks>
/// The figures come from one public measurement, Windows-Admin-Center-Ideas-and-Feedback #120
/// (github.com/microsoft/Windows-Admin-Center-Ideas-and-Feedback/issues/120, comment of 2022-02-15):
/// on a host with 150 VMs, <c>Get-VM | Select-Object Name, CPUUsage</c> took 2 s and
/// <c>Get-VM | Select-Object Name, ProcessorCount</c> took 25 s. So:
/// <list type="bullet">
/// <item>a property of a Get-VM object that goes back to WMI per VM costs (25 s - 2 s) / 150 ≈ 153 ms,
/// once per object and property (<see cref="WmiPropertyRead"/>);</item>
/// <item>one WMI query (a cmdlet call: Get-VM's enumeration, a component cmdlet over all VMs, a
/// Get-CimInstance) is charged the same 153 ms (<see cref="CmdletCall"/>), an assumption: the
/// measurement shows what one per-VM WMI round trip costs, not what a query over a class costs;</item>
/// <item>each VM object Get-VM writes costs the rest of the 2 s baseline, (2 s - 153 ms) / 150 ≈ 12.3 ms
/// (<see cref="VmObject"/>). An upper bound: that baseline also holds the gateway and remoting of the
/// measurement.</item>
/// </list>
/// Component objects (Get-VMProcessor, Get-VMMemory, ...) are not charged per object: no public
/// figure, and the batched cmdlets read their settings class in one query (the call's charge).
/// </remarks>
public sealed class SimulatedHostCost
{
    /// <summary>One per-VM WMI round trip: a lazy Get-VM property (ProcessorCount, DynamicMemoryEnabled, MemoryStartup, ...). WAC #120.</summary>
    public static readonly TimeSpan WmiPropertyRead = TimeSpan.FromMilliseconds((25_000 - 2_000) / 150.0);

    /// <summary>One read cmdlet call (one WMI query). WAC #120, see the remarks.</summary>
    public static readonly TimeSpan CmdletCall = WmiPropertyRead;

    /// <summary>One VM object written by Get-VM with its summary (state, CPU, uptime, memory assigned). WAC #120 baseline.</summary>
    public static readonly TimeSpan VmObject = TimeSpan.FromMilliseconds((2_000 - WmiPropertyRead.TotalMilliseconds) / 150.0);

    private long _chargedTicks;
    private long _calls;
    private long _propertyReads;
    private long _vmObjects;

    /// <summary>Host time charged so far.</summary>
    public TimeSpan Charged => TimeSpan.FromTicks(Interlocked.Read(ref _chargedTicks));

    /// <summary>Read cmdlet calls charged so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Lazy Get-VM properties read (per object, first read only) so far.</summary>
    public long PropertyReads => Interlocked.Read(ref _propertyReads);

    /// <summary>VM objects Get-VM wrote so far.</summary>
    public long VmObjects => Interlocked.Read(ref _vmObjects);

    internal void ChargeCall()
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _chargedTicks, CmdletCall.Ticks);
    }

    internal void ChargePropertyRead()
    {
        Interlocked.Increment(ref _propertyReads);
        Interlocked.Add(ref _chargedTicks, WmiPropertyRead.Ticks);
    }

    internal void ChargeVmObjects(int count)
    {
        Interlocked.Add(ref _vmObjects, count);
        Interlocked.Add(ref _chargedTicks, VmObject.Ticks * count);
    }
}
