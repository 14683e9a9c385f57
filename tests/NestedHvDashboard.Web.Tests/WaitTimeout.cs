using System.Runtime.CompilerServices;

namespace NestedHvDashboard.Web.Tests;

internal static class WaitTimeout
{
    // bUnit's default 1 s for WaitFor* failed in CI with the reliability lanes loading both cores; 10 s for every wait.
    [ModuleInitializer]
    internal static void Lengthen() => Bunit.BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
}
