using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

public sealed class NewVmTests : IDisposable
{
    private readonly SimulatedHost host = GuestHosts.Create();
    private readonly SimulatorSession session;

    public NewVmTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    [Fact]
    public void New_vm_then_the_reference_documents_settings()
    {
        var vm = session.Run("New-VM -Name l1-new -Generation 2 -Version 9.0 -MemoryStartupBytes 4GB -SwitchName External -NoVHD -Path C:\\VMs").Succeeded().One<VirtualMachine>();
        Assert.Equal(VMState.Off, vm.State);
        Assert.Equal(2, vm.Generation);
        Assert.Equal("9.0", vm.Version);
        Assert.Equal(4 * TestHosts.GB, vm.MemoryStartup);

        session.Run("Set-VMProcessor -VMName l1-new -Count 4").Succeeded();
        session.Run("Set-VMMemory -VMName l1-new -DynamicMemoryEnabled $false").Succeeded();
        session.Run("Set-VMProcessor -VMName l1-new -ExposeVirtualizationExtensions $true").Succeeded();
        session.Run("Get-VMNetworkAdapter -VMName l1-new | Set-VMNetworkAdapter -MacAddressSpoofing On").Succeeded();

        var stored = host.FindVm("l1-new")!;
        Assert.Equal(4, stored.ProcessorCount);
        Assert.False(stored.DynamicMemoryEnabled);
        Assert.True(stored.ExposeVirtualizationExtensions);
        var adapter = Assert.Single(stored.NetworkAdapters);
        Assert.True(adapter.MacAddressSpoofing);
        Assert.Equal("External", adapter.SwitchName);
    }

    [Fact]
    public void Defaults_are_hyper_vs()
    {
        var vm = session.Run("New-VM -Name plain").Succeeded().One<VirtualMachine>();
        Assert.Equal(1, vm.Generation);
        Assert.Equal(host.Profile.DefaultVersion, vm.Version);
        Assert.Null(Assert.Single(host.FindVm("plain")!.NetworkAdapters).SwitchName);
    }

    [Fact]
    public void A_version_the_host_does_not_support_is_refused()
    {
        var before = host.Read(h => h.Vms.Count);
        var error = session.Run("New-VM -Name future -Version 12.0 -NoVHD").OnlyError;
        Assert.Contains("configuration version '12.0' is not supported on host 'HV-TEST'", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, host.Read(h => h.Vms.Count));
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void An_unknown_switch_is_refused()
    {
        var error = session.Run("New-VM -Name n -SwitchName NoSuchSwitch").OnlyError;
        Assert.Equal("Hyper-V was unable to find a virtual switch with name \"NoSuchSwitch\".", error.Exception.Message);
        Assert.Null(host.FindVm("n"));
    }

    [Theory]
    [InlineData("16MB")]
    [InlineData("1025MB")]
    public void Startup_memory_hyper_v_would_not_take_is_refused(string memory)
    {
        var error = session.Run($"New-VM -Name m -MemoryStartupBytes {memory}").OnlyError;
        Assert.Contains("Invalid startup memory amount", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generation_other_than_1_or_2_is_refused() =>
        Assert.IsAssignableFrom<ParameterBindingException>(session.Run("New-VM -Name g -Generation 3").OnlyError.Exception);

    [Fact]
    public void Duplicate_names_are_allowed_as_in_hyper_v()
    {
        session.Run("New-VM -Name twin; New-VM -Name twin").Succeeded();
        Assert.Equal(2, session.Run("Get-VM -Name twin").Succeeded().Output.Count);
    }

    [Fact]
    public void An_l1_guest_creates_an_l2_vm_on_its_nat_switch()
    {
        const string script = """
            param($cred)
            Invoke-Command -VMName l1-hv -Credential $cred -ScriptBlock {
                New-VMSwitch -Name VmNAT -SwitchType Internal | Out-Null
                New-VM -Name l2-web -Generation 2 -Version 10.0 -MemoryStartupBytes 2GB -SwitchName VmNAT -NoVHD | Out-Null
                Get-VMNetworkAdapter -VMName l2-web | ForEach-Object SwitchName
            }
            """;
        Assert.Equal("VmNAT", session.Run(script, GuestHosts.WithCredential()).Succeeded().Output.Single().BaseObject);
        Assert.NotNull(GuestHosts.GuestOf(host, "l1-hv").Host.FindVm("l2-web"));
        Assert.Null(host.FindVm("l2-web"));

        // The guest (Server 2022) cannot run a Server 2025 configuration version.
        var refused = session.Run("param($cred) Invoke-Command -VMName l1-hv -Credential $cred -ScriptBlock { New-VM -Name l2-x -Version 12.0 }", GuestHosts.WithCredential());
        Assert.Contains("not supported on host 'l1-hv'", refused.OnlyError.Exception.Message, StringComparison.Ordinal);
    }
}
