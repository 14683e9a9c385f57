namespace NestedHvDashboard.Web.NestedSwitching;

/// <summary>What the bulk dialog was confirmed with.</summary>
/// <param name="Running">What to do with the VMs that are not off.</param>
/// <param name="MacAddressSpoofing">True to turn MAC spoofing on too (enabling only).</param>
/// <param name="DynamicMemoryOff">True to turn dynamic memory off too on the VMs that have it (enabling only).</param>
public sealed record BulkChoice(BulkRunningChoice Running, bool MacAddressSpoofing, bool DynamicMemoryOff = false);
