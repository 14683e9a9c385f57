using System.Management.Automation;
using Microsoft.Extensions.Time.Testing;
using NestedHvDashboard.Simulator.HyperV;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// Msvm_VirtualSystemManagementService.GetSummaryInformation through Invoke-CimMethod: every VM's fast fields in one call,
/// agreeing with Get-VM, charged as one WMI call by the cost model.
/// </summary>
public sealed class SummaryInformationTests : IDisposable
{
    private const string Summary = """
        param($Codes)
        $service = Get-CimInstance -Namespace 'root\virtualization\v2' -ClassName Msvm_VirtualSystemManagementService
        Invoke-CimMethod -InputObject $service -MethodName GetSummaryInformation -Arguments @{ RequestedInformation = [uint32[]]$Codes }
        """;

    private readonly SimulatedHost host = TestHosts.Create();
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly SimulatorSession session;

    public SummaryInformationTests()
    {
        host.Clock = clock;
        host.AddVm("dynamic-vm", vm =>
        {
            vm.State = VMState.Running;
            vm.RunningSince = clock.GetUtcNow().AddHours(-3).AddMilliseconds(-250);
            vm.DynamicMemoryEnabled = true;
            vm.CpuBaseline = 70;
        });
        host.AddVm("paused-vm", vm =>
        {
            vm.State = VMState.Paused;
            vm.RunningSince = clock.GetUtcNow().AddMinutes(-1);
        });
        session = new SimulatorSession(host);
    }

    public void Dispose() => session.Dispose();

    [Fact]
    public void Every_vm_answers_with_what_get_vm_reports_in_the_units_hyper_v_documents()
    {
        var answer = Assert.Single(session.Run(Summary, new Dictionary<string, object> { ["Codes"] = new uint[] { 0, 1, 100, 101, 103, 105 } }).Succeeded().Output);
        Assert.Equal(0u, answer.Properties["ReturnValue"].Value);
        var summaries = ((object[])answer.Properties["SummaryInformation"].Value).Cast<PSObject>().ToList();
        var vms = session.Run("Get-VM").Succeeded().Output.Select(o => (VirtualMachine)o.BaseObject).ToList();

        Assert.Equal(5, summaries.Count);
        Assert.Equal(vms.Count, summaries.Count);
        foreach (var vm in vms)
        {
            var summary = Assert.Single(summaries, s => string.Equals((string)s.Properties["Name"].Value, vm.Id.ToString(), StringComparison.OrdinalIgnoreCase));
            Assert.Equal(vm.Id.ToString().ToUpperInvariant(), summary.Properties["Name"].Value); // as WMI writes it
            Assert.Equal(vm.Name, summary.Properties["ElementName"].Value);
            Assert.Equal((ushort)vm.State, summary.Properties["EnabledState"].Value);
            Assert.Equal((ushort)vm.CPUUsage, summary.Properties["ProcessorLoad"].Value);
            Assert.Equal((ulong)(vm.MemoryAssigned / (1024 * 1024)), summary.Properties["MemoryUsage"].Value);
            Assert.Equal((ulong)vm.Uptime.TotalMilliseconds, summary.Properties["UpTime"].Value);
            // Only what was asked for is filled.
            Assert.Null(summary.Properties["NumberOfProcessors"].Value);
            Assert.Contains("Microsoft.Management.Infrastructure.CimInstance#root/virtualization/v2/Msvm_SummaryInformation", summary.TypeNames);
        }

        var running = summaries.Single(s => (string)s.Properties["ElementName"].Value == "dynamic-vm");
        Assert.Equal((ushort)VMState.Running, running.Properties["EnabledState"].Value);
        Assert.Equal((ulong)TimeSpan.FromHours(3).TotalMilliseconds, running.Properties["UpTime"].Value);
        Assert.True((ulong)running.Properties["MemoryUsage"].Value > 0);
        Assert.Equal((ushort)VMState.Paused, summaries.Single(s => (string)s.Properties["ElementName"].Value == "paused-vm").Properties["EnabledState"].Value);
        Assert.Equal((ushort)VMState.Saved, summaries.Single(s => (string)s.Properties["ElementName"].Value == "saved-vm").Properties["EnabledState"].Value);
    }

    [Fact]
    public void The_call_is_one_wmi_call_whatever_the_number_of_vms()
    {
        var service = Assert.Single(session.Run("Get-CimInstance -Namespace 'root\\virtualization\\v2' -ClassName Msvm_VirtualSystemManagementService").Succeeded().Output);
        var cost = new SimulatedHostCost();
        host.Cost = cost;

        session.Run(
            "param($Service) $null = Invoke-CimMethod -InputObject $Service -MethodName GetSummaryInformation -Arguments @{ RequestedInformation = [uint32[]](0, 1, 100, 101, 103, 105) }",
            new Dictionary<string, object> { ["Service"] = service }).Succeeded();

        Assert.Equal((1L, 0L, 0L), (cost.Calls, cost.VmObjects, cost.PropertyReads));
        Assert.Equal(SimulatedHostCost.CmdletCall, cost.Charged);
    }

    [Fact]
    public void A_query_for_the_service_works_like_its_instance()
    {
        var answer = Assert.Single(session.Run(
            "Invoke-CimMethod -Namespace root\\virtualization\\v2 -Query 'SELECT * FROM Msvm_VirtualSystemManagementService' -MethodName GetSummaryInformation -Arguments @{ RequestedInformation = [uint32[]](1, 4) }").Succeeded().Output);
        var summaries = ((object[])answer.Properties["SummaryInformation"].Value).Cast<PSObject>().ToList();
        Assert.Equal((ushort)4, summaries.Single(s => (string)s.Properties["ElementName"].Value == "off-vm").Properties["NumberOfProcessors"].Value);
        Assert.All(summaries, s => Assert.Null(s.Properties["Name"].Value));
    }

    [Fact]
    public void Other_methods_a_static_call_and_setting_data_are_refused_as_wmi_refuses_them()
    {
        var unknown = session.Run("$s = Get-CimInstance -Namespace root\\virtualization\\v2 -ClassName Msvm_VirtualSystemManagementService; Invoke-CimMethod -InputObject $s -MethodName DestroySystem");
        Assert.Contains("Invalid method", unknown.OnlyError.Exception.Message, StringComparison.Ordinal);

        var onTheClass = session.Run("Invoke-CimMethod -Namespace root\\virtualization\\v2 -ClassName Msvm_VirtualSystemManagementService -MethodName GetSummaryInformation");
        Assert.Contains("Invalid method Parameter(s)", onTheClass.OnlyError.Exception.Message, StringComparison.Ordinal);

        var withSettings = Assert.Single(session.Run(
            "$s = Get-CimInstance -Namespace root\\virtualization\\v2 -ClassName Msvm_VirtualSystemManagementService; Invoke-CimMethod -InputObject $s -MethodName GetSummaryInformation -Arguments @{ SettingData = @('x'); RequestedInformation = [uint32[]](0) }").Succeeded().Output);
        Assert.Equal(32773u, withSettings.Properties["ReturnValue"].Value); // "Invalid parameter", as documented
    }
}
