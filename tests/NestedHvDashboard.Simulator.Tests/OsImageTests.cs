using System.Management.Automation;
using NestedHvDashboard.Simulator.Cmdlets;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>The simulated OS images: a differencing disk of one boots its Windows, with a guest the lab's account signs in to.</summary>
public sealed class OsImageTests : IDisposable
{
    private readonly SimulatedHost host = GuestHosts.Create();
    private readonly SimulatorSession session;

    public OsImageTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void A_vm_on_a_differencing_disk_of_an_image_boots_its_windows_and_answers_powershell_direct_with_the_lab_account()
    {
        var disk = session.Run(@"New-VHD -ParentPath C:\Images\WindowsServer2022.vhdx -Differencing -Path 'C:\VMs\lab-a.vhdx'").Succeeded().One<VirtualHardDisk>();
        Assert.Equal(("Differencing", @"C:\Images\WindowsServer2022.vhdx", "VHDX"), (disk.VhdType, disk.ParentPath, disk.VhdFormat));

        session.Run(@"New-VM -Name lab-a -Generation 2 -Version 9.0 -MemoryStartupBytes 4GB -SwitchName External -VHDPath 'C:\VMs\lab-a.vhdx' | Start-VM").Succeeded();
        var vm = host.FindVm("lab-a")!;
        Assert.Equal("Windows Server 2022 Datacenter", vm.GuestOsName);

        var caption = session.Run("param($cred) Invoke-Command -VMName lab-a -Credential $cred -ScriptBlock { (Get-CimInstance -ClassName Win32_OperatingSystem).Caption }", GuestHosts.WithCredential()).Succeeded();
        Assert.Contains("Windows Server 2022", Assert.Single(caption.Output).ToString(), StringComparison.Ordinal);
        Assert.False(vm.Guest!.Host.HyperVInstalled);

        // The guest has the same images, so an L2 VM can be made the same way once Hyper-V runs in it.
        vm.Guest.Host.Update(h => h.HyperVInstalled = true);
        session.Run(@"param($cred) Invoke-Command -VMName lab-a -Credential $cred -ScriptBlock { New-VHD -ParentPath C:\Images\WindowsServer2022.vhdx -Differencing -Path C:\VMs\web.vhdx | Out-Null; New-VM -Name web -Generation 2 -VHDPath C:\VMs\web.vhdx | Out-Null }", GuestHosts.WithCredential()).Succeeded();
        Assert.NotNull(vm.Guest.Host.FindVm("web")!.Guest);
    }

    [Fact]
    public void New_vhd_refuses_a_missing_parent_and_a_path_that_exists_as_hyper_v_does()
    {
        var missing = session.Run(@"New-VHD -ParentPath C:\Images\Nope.vhdx -Differencing -Path C:\VMs\x.vhdx").OnlyError;
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        Assert.Contains("cannot find the file specified", missing.Exception.Message, StringComparison.Ordinal);

        session.Run(@"New-VHD -Path C:\VMs\data.vhdx -SizeBytes 10GB -Dynamic").Succeeded();
        var exists = session.Run(@"New-VHD -ParentPath C:\Images\WindowsServer2022.vhdx -Differencing -Path C:\VMs\data.vhdx").OnlyError;
        Assert.Contains("The file exists", exists.Exception.Message, StringComparison.Ordinal);
        Assert.Single(host.Read(h => h.Disks));
    }

    [Fact]
    public void A_vm_without_an_image_disk_has_no_guest()
    {
        session.Run(@"New-VM -Name bare -Generation 2 -NoVHD").Succeeded();
        Assert.Null(host.FindVm("bare")!.Guest);
    }
}
