namespace NestedHvDashboard.PowerShell;
internal static class Placeholder;
