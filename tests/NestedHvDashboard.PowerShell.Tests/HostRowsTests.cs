using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell.Tests;

public sealed class HostRowsTests
{
    [Theory]
    [InlineData("GenuineIntel", ProcessorVendor.Intel)]
    [InlineData("AuthenticAMD", ProcessorVendor.Amd)]
    [InlineData("CentaurHauls", ProcessorVendor.Other)]
    [InlineData("", ProcessorVendor.Unknown)]
    public void Processor_vendor_comes_from_the_manufacturer_string(string manufacturer, ProcessorVendor expected) =>
        Assert.Equal(expected, HostRows.VendorOf(manufacturer));
}
