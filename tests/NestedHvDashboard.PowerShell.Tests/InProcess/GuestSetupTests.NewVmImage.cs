using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.PowerShell.Tests.InProcess;

public sealed partial class GuestSetupTests
{
    [Fact]
    public async Task A_new_vm_from_an_os_image_boots_a_differencing_disk_named_after_it_at_the_version_asked()
    {
        var vm = await DashboardHost.CreateVmAsync(new NewVmRequest("lab-img", 8 * Gb, 4, "LabSwitch", SimulatedImages.WindowsServer2022, new Version(9, 0)));

        Assert.Equal((new Version(9, 0), true), (vm.ConfigVersion, vm.ExposeVirtualizationExtensions));
        var disk = Assert.Single(_host.Read(h => h.Disks));
        Assert.Equal((@"C:\ProgramData\Microsoft\Windows\Virtual Hard Disks\lab-img.vhdx", SimulatedImages.WindowsServer2022), (disk.Path, disk.ParentPath));
        Assert.Equal(disk.Path, _host.FindVm(vm.Id)!.StoredSettings["NewVM.VHDPath"]);
        Assert.NotNull(_host.FindVm(vm.Id)!.Guest);
    }

    [Fact]
    public async Task A_parent_image_the_host_lacks_fails_with_the_hosts_words_and_leaves_no_vm()
    {
        var error = await Assert.ThrowsAsync<Core.Hosts.HostOperationException>(() =>
            DashboardHost.CreateVmAsync(new NewVmRequest("lab-img", 8 * Gb, 4, "LabSwitch", @"C:\Images\Missing.vhdx")));

        Assert.Contains("New-VHD -Differencing failed", error.HostMessage, StringComparison.Ordinal);
        Assert.Contains("cannot find the file specified", error.HostMessage, StringComparison.Ordinal);
        Assert.Null(_host.FindVm("lab-img"));
        Assert.Empty(_host.Read(h => h.Disks));
    }
}
