using MessagePack;
using MessagePack.Resolvers;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Inventory;
using NestedHvDashboard.Core.VirtualMachines;

namespace NestedHvDashboard.Web.Cluster;

/// <summary>What a message of the cluster's feed carries.</summary>
public enum FeedMessageKind
{
    /// <summary>The owner's changes to one host (<see cref="FeedMessage.Changes"/>), as its store published them.</summary>
    Changes,

    /// <summary>The owner's CPU and uptime readings of one host's VMs (<see cref="FeedMessage.Metrics"/>): never changes.</summary>
    Metrics,

    /// <summary>One host's full state (<see cref="FeedMessage.State"/>): a newcomer's start, a resync, a takeover.</summary>
    State,

    /// <summary>A VM a change read back on an instance that does not own its host (<see cref="FeedMessage.Vm"/>): every instance writes it.</summary>
    VmWritten,

    /// <summary>An instance asks the owners for the full state of <see cref="FeedMessage.Host"/>, or of every host when null.</summary>
    StateRequest,

    /// <summary>
    /// When an owner last read each of its hosts whose read time moved (<see cref="FeedMessage.Reads"/>): a host whose watch
    /// finds nothing new sends no change, yet its "last read" moves on every instance, and the first read of a host just
    /// taken over shows everywhere.
    /// </summary>
    Reads,
}

/// <summary>
/// One message of the cluster's feed (Redis channel <c>&lt;prefix&gt;:feed</c>). A host's owner stamps what it sends about the
/// host with its lease's fence and a sequence number per host and lease, so that another instance drops what a stale owner
/// sent and asks for the full state when it missed a message.
/// </summary>
/// <param name="Kind">What it carries.</param>
/// <param name="Instance">The instance that sent it.</param>
/// <param name="Host">The host it is about; null for a request of every host.</param>
/// <param name="Fence">The owner's lease fence for <see cref="Host"/>; 0 for a written VM and a request.</param>
/// <param name="Sequence">The owner's sequence number for the host under this fence (1, 2, …); a request's own number.</param>
/// <param name="Changes">For <see cref="FeedMessageKind.Changes"/>.</param>
/// <param name="Metrics">For <see cref="FeedMessageKind.Metrics"/>.</param>
/// <param name="State">For <see cref="FeedMessageKind.State"/>.</param>
/// <param name="Vm">For <see cref="FeedMessageKind.VmWritten"/>.</param>
/// <param name="ReadAt">When the owner last read the host, for changes and metrics.</param>
/// <param name="Reads">For <see cref="FeedMessageKind.Reads"/>.</param>
[MessagePackObject]
public sealed record FeedMessage(
    [property: Key(0)] FeedMessageKind Kind,
    [property: Key(1)] string Instance,
    [property: Key(2)] string? Host,
    [property: Key(3)] long Fence,
    [property: Key(4)] long Sequence,
    [property: Key(5)] IReadOnlyList<FeedChange>? Changes = null,
    [property: Key(6)] IReadOnlyList<FeedMetric>? Metrics = null,
    [property: Key(7)] HostInventoryState? State = null,
    [property: Key(8)] VmSnapshot? Vm = null,
    [property: Key(9)] DateTimeOffset? ReadAt = null,
    [property: Key(10)] IReadOnlyList<FeedRead>? Reads = null);

/// <summary>When a host's owner last read it, under its lease's fence.</summary>
/// <param name="Host">The host.</param>
/// <param name="Fence">The owner's lease fence for the host: another instance takes the time only from the owner it follows.</param>
/// <param name="ReadAt">When the owner last read the host.</param>
/// <param name="Sequence">
/// The number of the owner's last message about the host under that fence when the read went out (0: not said): an instance
/// that has a lower one missed a message, though no later change shows the gap, and asks for the host's full state.
/// </param>
[MessagePackObject]
public readonly record struct FeedRead([property: Key(0)] string Host, [property: Key(1)] long Fence, [property: Key(2)] DateTimeOffset ReadAt, [property: Key(3)] long Sequence = 0);

/// <summary>
/// One change on the wire: an <see cref="InventoryChange"/> without what the message already says (the host) or what means
/// nothing to another store (the owner's version); a VM's id only when the VM itself is not there (a removal).
/// </summary>
/// <param name="Kind">What changed.</param>
/// <param name="VmId">The removed VM's id; null when <paramref name="Vm"/> says it, or for a host change.</param>
/// <param name="Vm">The VM as it is now, for an added or changed VM.</param>
/// <param name="Status">The host's status, for a host change.</param>
/// <param name="Facts">The host's facts, for a host change.</param>
[MessagePackObject]
public sealed record FeedChange(
    [property: Key(0)] InventoryChangeKind Kind,
    [property: Key(1)] Guid? VmId,
    [property: Key(2)] VmSnapshot? Vm,
    [property: Key(3)] HostStatus? Status,
    [property: Key(4)] HostFacts? Facts)
{
    /// <summary>The change on the wire.</summary>
    public static FeedChange Of(InventoryChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new(change.Kind, change.Vm is null && change.VmId != Guid.Empty ? change.VmId : null, change.Vm, change.Status, change.Facts);
    }

    /// <summary>The change back, about <paramref name="host"/> (its version is the receiving store's business).</summary>
    public InventoryChange ToChange(string host) => new(Kind, host, 0, Vm?.Id ?? VmId ?? Guid.Empty, Vm, Status, Facts);
}

/// <summary>One VM's CPU usage and uptime on the wire: a <see cref="VmMetric"/> in a few bytes.</summary>
/// <param name="VmId">The VM's id.</param>
/// <param name="CpuUsagePercent">CPU usage, 0-100.</param>
/// <param name="UptimeTicks">Uptime in ticks (exact, as the owner read it).</param>
[MessagePackObject]
public readonly record struct FeedMetric([property: Key(0)] Guid VmId, [property: Key(1)] int CpuUsagePercent, [property: Key(2)] long UptimeTicks)
{
    /// <summary>The reading on the wire.</summary>
    public static FeedMetric Of(VmMetric metric) => new(metric.VmId, metric.CpuUsagePercent, metric.Uptime.Ticks);

    /// <summary>The reading back.</summary>
    public VmMetric ToMetric() => new(VmId, CpuUsagePercent, TimeSpan.FromTicks(UptimeTicks));
}

/// <summary>
/// The feed's wire format: MessagePack (which the hub's MessagePack protocol already brings), the inventory's records as they
/// are (contractless), LZ4-compressed when big (a host's full state); data read from Redis is treated as untrusted.
/// </summary>
public static class FeedMessages
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(ContractlessStandardResolver.Instance)
        .WithCompression(MessagePackCompression.Lz4BlockArray)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The message's bytes.</summary>
    public static byte[] Serialize(FeedMessage message) => MessagePackSerializer.Serialize(message, Options);

    /// <summary>The message read back; MessagePack's serialization exception when the bytes are not a feed message.</summary>
    public static FeedMessage Deserialize(ReadOnlyMemory<byte> bytes) => MessagePackSerializer.Deserialize<FeedMessage>(bytes, Options);
}
