namespace NestedHvDashboard.Simulator;
internal static class Placeholder;
