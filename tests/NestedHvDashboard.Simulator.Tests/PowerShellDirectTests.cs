using System.Management.Automation;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>Invoke-Command -VMName/-VMId into simulated guests, and the real Invoke-Command for everything else.</summary>
public sealed class PowerShellDirectTests : IDisposable
{
    private readonly SimulatedHost host = GuestHosts.Create();
    private readonly SimulatorSession session;

    public PowerShellDirectTests() => session = new SimulatorSession(host);

    public void Dispose() => session.Dispose();

    private SimulatorSession.Result InGuest(string vm, string scriptBlock, System.Management.Automation.PSCredential? credential = null) =>
        session.Run($"param($cred, $vm) Invoke-Command -VMName $vm -Credential $cred -ScriptBlock {{ {scriptBlock} }}", new System.Collections.Hashtable { ["cred"] = credential ?? GuestHosts.Credential(), ["vm"] = vm });

    [Fact]
    public void The_script_block_runs_against_the_guest_not_the_host()
    {
        var vmHost = Assert.Single(InGuest("l1-hv", "Get-VMHost").Succeeded().Output);
        Assert.Equal("l1-hv", vmHost.Properties["Name"].Value);
        Assert.Equal("l1-hv", vmHost.Properties["PSComputerName"].Value);
        Assert.Contains(vmHost.TypeNames, t => t.StartsWith("Deserialized.", StringComparison.Ordinal));

        var adapters = InGuest("l1-hv", "Get-NetAdapter | ForEach-Object Name").Succeeded().Output.Select(o => (string)o.BaseObject);
        Assert.Equal(["Ethernet"], adapters);
        var caption = InGuest("l1-hv", "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption").Succeeded().Output.Single().BaseObject;
        Assert.Equal("Microsoft Windows Server 2022 Datacenter", caption);
    }

    [Fact]
    public void A_hyper_v_guest_sees_its_own_l2_vms()
    {
        var names = InGuest("l1-hv", "Get-VM | ForEach-Object Name").Succeeded().Output.Select(o => (string)o.BaseObject);
        Assert.Equal(["l2-app-01"], names);
    }

    [Fact]
    public void ArgumentList_binds_to_the_script_blocks_parameters()
    {
        var result = session.Run("param($cred) Invoke-Command -VMName l1-hv -Credential $cred -ScriptBlock { param($a, $b) \"$a-$b-$env:NOPE\" } -ArgumentList one, two", GuestHosts.WithCredential());
        Assert.Equal("one-two-", result.Succeeded().Output.Single().BaseObject);
    }

    [Fact]
    public void VMId_and_pipeline_input_work()
    {
        var id = host.FindVm("l1-hv")!.Id;
        var result = session.Run("param($cred, $id) 1, 2, 3 | Invoke-Command -VMId $id -Credential $cred -ScriptBlock { $input | ForEach-Object { $_ * 2 } }", new System.Collections.Hashtable { ["cred"] = GuestHosts.Credential(), ["id"] = id });
        Assert.Equal([2, 4, 6], result.Succeeded().Output.Select(o => (int)o.BaseObject));
    }

    [Fact]
    public void Credentials_may_name_the_machine_or_dot()
    {
        InGuest("l1-hv", "1", GuestHosts.Credential(".\\administrator")).Succeeded();
        InGuest("l1-hv", "1", GuestHosts.Credential("l1-hv\\Administrator")).Succeeded();
    }

    [Theory]
    [InlineData("Administrator", "wrong")]
    [InlineData("Guest", Scenarios.LabScenarios.GuestAdministratorPassword)]
    [InlineData("OTHER\\Administrator", Scenarios.LabScenarios.GuestAdministratorPassword)]
    public void Wrong_credentials_fail_and_nothing_runs(string user, string password)
    {
        var result = InGuest("l1-hv", "New-VMSwitch -Name Sneaky -SwitchType Internal", GuestHosts.Credential(user, password));

        var error = result.OnlyError;
        Assert.Equal("The credential is invalid.", error.Exception.Message);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.DoesNotContain(GuestHosts.GuestOf(host, "l1-hv").Host.Read(h => h.Switches.ToList()), s => s.Name == "Sneaky");
    }

    [Fact]
    public void An_empty_credential_is_invalid() =>
        Assert.Equal("The credential is invalid.", session.Run("Invoke-Command -VMName l1-hv -Credential ([pscredential]::Empty) -ScriptBlock { 1 }").OnlyError.Exception.Message);

    [Fact]
    public void The_password_is_not_kept_in_the_state()
    {
        Assert.DoesNotContain(Scenarios.LabScenarios.GuestAdministratorPassword, host.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_vm_is_not_found()
    {
        var error = InGuest("nope", "1").OnlyError;
        Assert.Equal("The input VMName nope does not resolve to a single virtual machine.", error.Exception.Message);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);

        var byId = session.Run("param($cred) Invoke-Command -VMId ([guid]::NewGuid()) -Credential $cred -ScriptBlock { 1 }", GuestHosts.WithCredential()).OnlyError;
        Assert.Contains("does not resolve to a single virtual machine", byId.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vm_that_is_not_running_refuses()
    {
        var error = InGuest("off-guest", "1").OnlyError;
        Assert.Equal("The virtual machine off-guest is not in running state.", error.Exception.Message);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
    }

    [Fact]
    public void A_guest_that_is_not_windows_refuses()
    {
        var error = InGuest("linux", "1").OnlyError;
        Assert.Contains("PowerShell Direct needs a Windows 10 / Windows Server 2016 or later guest", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_inside_the_guest_come_back_as_errors()
    {
        var result = InGuest("l1-hv", "Get-VMSwitch -Name nope; 'after'");
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(result.Errors).CategoryInfo.Category);
        Assert.Equal("after", result.Output.Single().BaseObject);
    }

    [Fact]
    public void A_guest_without_hyper_v_has_no_hyper_v_cmdlets()
    {
        var error = InGuest("l1-plain", "Get-VM").OnlyError;
        Assert.IsType<CommandNotFoundException>(error.Exception);
        InGuest("l1-plain", "Get-NetAdapter").Succeeded();
    }

    [Fact]
    public void The_reference_documents_nat_commands_run_verbatim_in_an_l1_guest()
    {
        const string script = """
            param($cred)
            Invoke-Command -VMName l1-hv -Credential $cred -ScriptBlock {
                New-VMSwitch -Name VmNAT -SwitchType Internal
                New-NetNat –Name LocalNAT –InternalIPInterfaceAddressPrefix “192.168.0.0/24”
                Get-NetAdapter "vEthernet (VmNat)" | New-NetIPAddress -IPAddress 192.168.0.1 -AddressFamily IPv4 -PrefixLength 24
                Netsh interface ip add dnsserver “vEthernet (VmNat)” address=1.1.1.1
                $LASTEXITCODE
            }
            """;
        var result = session.Run(script, GuestHosts.WithCredential()).Succeeded();
        Assert.Equal(0, result.Output.Last().BaseObject);

        GuestHosts.GuestOf(host, "l1-hv").Host.Read(h =>
        {
            Assert.Contains(h.Switches, s => s.Name == "VmNAT" && s.SwitchType == VMSwitchType.Internal);
            Assert.Equal("192.168.0.0/24", h.NetNat!.InternalIPInterfaceAddressPrefix);
            var adapter = h.NetAdapters.Single(a => a.Name == "vEthernet (VmNAT)");
            Assert.Equal(24, h.IPAddresses.Single(i => i.IPAddress == "192.168.0.1" && i.InterfaceIndex == adapter.InterfaceIndex).PrefixLength);
            Assert.Equal(["1.1.1.1"], adapter.DnsServers);
            return 0;
        });

        // The L0 host is untouched.
        host.Read(h =>
        {
            Assert.DoesNotContain(h.Switches, s => s.Name == "VmNAT");
            Assert.Null(h.NetNat);
            return 0;
        });

        // Seen again from a later PowerShell Direct session, by the guest's own Get- cmdlets.
        var seen = InGuest("l1-hv", "Get-NetNat | ForEach-Object Name; Get-NetIPAddress -InterfaceAlias 'vEthernet (VmNAT)' | ForEach-Object IPAddress").Succeeded();
        Assert.Equal(["LocalNAT", "192.168.0.1"], seen.Output.Select(o => (string)o.BaseObject));
    }

    [Fact]
    public void WinNat_allows_one_nat_per_guest_and_removal_frees_it()
    {
        InGuest("l1-hv", "New-NetNat -Name LocalNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24").Succeeded();
        var second = InGuest("l1-hv", "New-NetNat -Name Other -InternalIPInterfaceAddressPrefix 10.50.0.0/24");
        Assert.Equal("The parameter is incorrect.", Assert.Single(second.Errors).Exception.Message);

        InGuest("l1-hv", "Remove-NetNat -Name LocalNAT -Confirm:$false; New-VMSwitch -Name VmNAT -SwitchType Internal | Out-Null; Remove-VMSwitch -Name VmNAT -Force").Succeeded();
        InGuest("l1-hv", "New-NetNat -Name Other -InternalIPInterfaceAddressPrefix 10.50.0.0/24").Succeeded();
        Assert.Equal("Other", GuestHosts.GuestOf(host, "l1-hv").Host.Read(h => h.NetNat!.Name));
        Assert.Empty(GuestHosts.GuestOf(host, "l1-hv").Host.Read(h => h.Switches.ToList()));
    }

    [Fact]
    public void New_ip_address_by_interface_index_in_the_guest()
    {
        var result = InGuest("l1-hv", "New-VMSwitch -Name VmNAT -SwitchType Internal | Out-Null; $i = (Get-NetAdapter 'vEthernet (VmNAT)').ifIndex; New-NetIPAddress -IPAddress 192.168.5.1 -PrefixLength 24 -InterfaceIndex $i | Out-Null; (Get-NetIPAddress -IPAddress 192.168.5.1).InterfaceAlias");
        Assert.Equal("vEthernet (VmNAT)", result.Succeeded().Output.Single().BaseObject);
    }

    [Fact]
    public void Local_invoke_command_still_runs_locally()
    {
        Assert.Equal(2, session.Run("Invoke-Command { 1 + 1 }").Succeeded().Output.Single().BaseObject);
        Assert.Equal(5, session.Run("Invoke-Command -ScriptBlock { param($x) $x } -ArgumentList 5").Succeeded().Output.Single().BaseObject);
        Assert.Equal([1, 2], session.Run("1, 2 | Invoke-Command { $input }").Succeeded().Output.Select(o => (int)o.BaseObject));

        // A local script block sees the caller's variables and the L0 host.
        Assert.Equal("HV-TEST", session.Run("$n = 'x'; Invoke-Command { (Get-VMHost).Name }").Succeeded().Output.Single().BaseObject);
    }

    [Fact]
    public void Session_and_computer_name_go_to_the_real_invoke_command()
    {
        var command = session.Run("Get-Command Invoke-Command").Succeeded().Output.Single().BaseObject;
        Assert.Equal(CommandTypes.Function, Assert.IsAssignableFrom<CommandInfo>(command).CommandType);

        var bySession = session.Run("Invoke-Command -Session $null -ScriptBlock { 1 }").OnlyError;
        Assert.Equal("Invoke-Command", bySession.InvocationInfo.MyCommand.Name);
        Assert.Equal(CommandTypes.Cmdlet, bySession.InvocationInfo.MyCommand.CommandType);
        Assert.Contains("Session", bySession.Exception.Message, StringComparison.Ordinal);

        // Loopback only; on a machine without WinRM the real cmdlet says why it cannot connect.
        var byComputer = session.Run("Invoke-Command -ComputerName localhost -ScriptBlock { 1 } -ErrorAction Stop");
        var error = byComputer.OnlyError;
        Assert.Equal("Invoke-Command", error.InvocationInfo.MyCommand.Name);
        Assert.Equal(CommandTypes.Cmdlet, error.InvocationInfo.MyCommand.CommandType);
    }
}
