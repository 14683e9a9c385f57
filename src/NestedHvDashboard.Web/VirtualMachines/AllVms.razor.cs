using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.VirtualMachines;

/// <summary>Every VM of every host in one grid, with the bulk nested switch.</summary>
public sealed partial class AllVms : LiveInventoryComponent;
