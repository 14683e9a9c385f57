using System.Reflection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.L2Connectivity;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.Tests.Audit;
using NestedHvDashboard.Web.Tests.Networking;

namespace NestedHvDashboard.Web.Tests.L2Connectivity;

/// <summary>
/// "Apply addresses" and "Test connectivity" as the service makes them: one audited change per apply (Operator role, the L1's
/// lock, a live step per L2, a refused L2 not stopping the others, its problems in the entry), a test audited as a read, the
/// typed L2 credential remembered only for an Administrator under the host + L1 + L2 key, and a refused one forgotten.
/// </summary>
public sealed class L2ConnectivityServiceTests : IDisposable
{
    private const string HostName = "hv-a";
    private static readonly GuestCredential L1 = new("Administrator", "L1-pass");
    private static readonly GuestCredential L2 = new("Administrator", "L2-pass");

    private readonly TestDatabase _db = TestDatabase.Create();
    private readonly VmSnapshot _l1 = NetworkAdaptersCardTests.Vm(VmState.Running) with { ExposeVirtualizationExtensions = true };
    private readonly NestedVirtualizationOperations _locks = new();
    private readonly GuestCredentialStore _credentials;
    private readonly FakeL2 _guests = new();
    private readonly L2ConnectivityService _service;

    public L2ConnectivityServiceTests()
    {
        _credentials = new(_db.Factory, new DatabaseSettings(DatabaseProvider.Sqlite, "Data Source=unused", "the test database"), new EphemeralDataProtectionProvider(), NullLogger<GuestCredentialStore>.Instance);
        var host = DispatchProxy.Create<IL2Host, L2HostProxy>();
        ((L2HostProxy)(object)host).Guests = _guests;
        _service = new L2ConnectivityService(new Lookup(host), _credentials, _db.Audit, _locks);
    }

    public void Dispose() => _db.Dispose();

    private static L2AddressItem Item(string l2, string address, GuestCredential? credential = null, bool remember = false) =>
        new(l2, new L2AddressRequest(address, 24, "192.168.100.1", "1.1.1.1"), credential, remember);

    [Fact]
    public async Task Applying_to_two_l2s_audits_one_change_with_a_step_each_and_a_refused_l2_does_not_stop_the_other()
    {
        _guests.Refuse["lab-l2-b"] = [new(L2AddressField.IpAddress, "192.168.0.20 is not a host address of the NAT's 192.168.100.0/24: the NAT would not translate it.")];
        var log = new StepLog();

        var result = await _service.ApplyAsync(TestDatabase.Operator, HostName, _l1, L1, [Item("lab-l2-a", "192.168.100.2", L2, remember: true), Item("lab-l2-b", "192.168.0.20", L2)], log);

        Assert.Equal(OperationOutcome.Failed, result.Outcome);
        Assert.Equal([OperationOutcome.Succeeded, OperationOutcome.Refused], result.Items.Select(i => i.Outcome));
        Assert.Contains("Its credential was not remembered: that needs the Administrator role.", result.Items[0].Message, StringComparison.Ordinal);
        Assert.Equal([OperationStepStatus.Done, OperationStepStatus.Failed], log.Steps.Select(s => s.Status));
        Assert.Equal("In lab-l1 → in lab-l2-a: New-NetIPAddress -IPAddress 192.168.100.2 -PrefixLength 24", log.Steps[0].Title);
        Assert.Contains("not a host address of the NAT's", log.Steps[1].HostMessage, StringComparison.Ordinal);
        Assert.Equal(["lab-l2-a 192.168.100.2 with L2-pass", "lab-l2-b 192.168.0.20 with L2-pass"], _guests.Applied);

        var entry = Assert.Single(_db.Entries());
        Assert.Equal((L2ConnectivityService.ApplyAction, AuditResults.Failed, "olivia"), (entry.Action, entry.Result, entry.Actor));
        Assert.Contains("New-NetIPAddress -InterfaceAlias Ethernet -IPAddress 192.168.100.2 -PrefixLength 24 -DefaultGateway 192.168.100.1", entry.Parameters, StringComparison.Ordinal);
        Assert.Contains("lab-l2-b: 192.168.0.20 is not a host address", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("L2-pass", entry.Parameters + entry.Message, StringComparison.Ordinal);
        Assert.Null(await _credentials.FindL2Async(HostName, _l1.Id, "lab-l2-a"));
    }

    [Fact]
    public async Task A_viewer_is_denied_and_a_change_running_on_the_l1_makes_it_busy()
    {
        var denied = await _service.ApplyAsync(TestDatabase.Viewer, HostName, _l1, L1, [Item("lab-l2-a", "192.168.100.2", L2)]);
        Assert.Equal(OperationOutcome.Denied, denied.Outcome);

        using (_locks.TryLock(HostName, _l1.Id, _l1.Name, out _))
        {
            var busy = await _service.ApplyAsync(TestDatabase.Operator, HostName, _l1, L1, [Item("lab-l2-a", "192.168.100.2", L2)]);
            Assert.Equal(OperationOutcome.Busy, busy.Outcome);
        }

        Assert.Empty(_guests.Applied);
        var entries = _db.Entries();
        Assert.Equal(2, entries.Count);
        Assert.Equal(AuditResults.Denied, entries[0].Result);
        Assert.Contains("Another change is running on VM 'lab-l1'", entries[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrators_credential_is_remembered_per_l2_and_forgotten_when_the_l2_refuses_it()
    {
        await _service.ApplyAsync(TestDatabase.Administrator, HostName, _l1, L1, [Item("lab-l2-a", "192.168.100.2", L2, remember: true)]);
        Assert.Equal(L2, await _credentials.FindL2Async(HostName, _l1.Id, "LAB-L2-A"));
        Assert.Null(await _credentials.FindL2Async(HostName, _l1.Id, "lab-l2-b"));
        Assert.Null(await _credentials.FindAsync(HostName, _l1.Id));

        // A viewer tests with the remembered credential: audited as a read.
        var tested = await _service.TestAsync(TestDatabase.Viewer, HostName, _l1, L1, "lab-l2-a", null, false, new L2ConnectivityRequest(null, null, "www.contoso.com"));
        Assert.Equal(OperationOutcome.Succeeded, tested.Outcome);
        Assert.True(tested.Report!.Succeeded);
        Assert.Equal((L2ConnectivityService.TestAction, AuditResults.Succeeded), (_db.Entries()[^1].Action, _db.Entries()[^1].Result));

        _guests.WrongPassword = true;
        var refused = await _service.TestAsync(TestDatabase.Viewer, HostName, _l1, L1, "lab-l2-a", null, false, new L2ConnectivityRequest(null, null, null));
        Assert.Equal(OperationOutcome.Failed, refused.Outcome);
        Assert.Equal("'lab-l2-a' refused the user name or password; enter its credential again.", refused.Message);
        Assert.Null(await _credentials.FindL2Async(HostName, _l1.Id, "lab-l2-a"));
    }

    /// <summary>A host that is also an L2 networking one (the proxy answers its name; only IL2Networking is used).</summary>
    public interface IL2Host : IHyperVHost, IL2Networking;

    /// <summary>Routes <see cref="IL2Networking"/> to <see cref="FakeL2"/>; the host's name is "hv-a"; nothing else is called.</summary>
    public class L2HostProxy : DispatchProxy
    {
        internal FakeL2 Guests { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            return targetMethod.Name == "get_Name" ? HostName
                : targetMethod.DeclaringType == typeof(IL2Networking) ? targetMethod.Invoke(Guests, args)
                : throw new NotSupportedException(targetMethod.Name);
        }
    }

    /// <summary>L2 guests that take <see cref="L2"/>: applies are recorded, refusals are by L2 name, every hop answers.</summary>
    internal sealed class FakeL2 : IL2Networking
    {
        public Dictionary<string, IReadOnlyList<NatNetworkProblem>> Refuse { get; } = [];

        public List<string> Applied { get; } = [];

        public bool WrongPassword { get; set; }

        public Task<L2GuestAddresses> GetL2AddressesAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, CancellationToken cancellationToken = default) =>
            Task.FromResult(new L2GuestAddresses(l2VmName, [], [], []));

        public Task<L2GuestAddresses> ApplyL2AddressAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2AddressRequest request, CancellationToken cancellationToken = default)
        {
            Applied.Add($"{l2VmName} {request.IpAddress} with {l2Credential.Password}");
            return Refuse.TryGetValue(l2VmName, out var problems)
                ? Task.FromException<L2GuestAddresses>(new L2AddressRefusedException(HostName, "lab-l1", l2VmName, problems))
                : Task.FromResult(new L2GuestAddresses(l2VmName, [new("Ethernet", request.IpAddress, request.PrefixLength)], [request.Gateway!], [request.DnsServer!]));
        }

        public Task<L2ConnectivityReport> TestL2ConnectivityAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2ConnectivityRequest request, CancellationToken cancellationToken = default) =>
            WrongPassword
                ? Task.FromException<L2ConnectivityReport>(new HostOperationException(HostErrorKind.GuestAuthenticationFailed, HostName, "Invoke-Command -VMName", "The credential is invalid.", l2VmName))
                : Task.FromResult(new L2ConnectivityReport(l2VmName, [new L2HopResult(L2Hop.Gateway, "192.168.100.1", true, "gateway 192.168.100.1 answers.")]));
    }

    private sealed class Lookup(IHyperVHost host) : IHostLookup
    {
        public IHyperVHost? Find(string name) => string.Equals(name, host.Name, StringComparison.OrdinalIgnoreCase) ? host : null;
    }
}
