using System.Management.Automation;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// Networking inside an L2 guest, two PowerShell Direct hops away (the L2Networking script): its addressing read, a static
/// address applied after validation against a fresh read of the L1 and the L2, and "Test connectivity" with a reason per hop.
/// </summary>
public sealed partial class PowerShellHyperVHost : IL2Networking
{
    /// <inheritdoc />
    public async Task<L2GuestAddresses> GetL2AddressesAsync(Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, CancellationToken cancellationToken = default)
    {
        var (context, _) = await ReadL2Async(l1VmId, l1Credential, l2VmName, l2Credential, null, cancellationToken).ConfigureAwait(false);
        return context.L2 ?? throw NotRunning(context, "Get-NetIPAddress");
    }

    /// <inheritdoc />
    public async Task<L2GuestAddresses> ApplyL2AddressAsync(
        Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2AddressRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (context, answers) = await ReadL2Async(l1VmId, l1Credential, l2VmName, l2Credential, request.IpAddress, cancellationToken).ConfigureAwait(false);
        var holds = context.L2?.Addresses.Any(a => a.IpAddress == request.IpAddress.Trim()) == true;
        var problems = L2AddressValidator.Validate(request, context, answersElsewhere: answers && !holds);
        if (problems.Count > 0)
        {
            throw new L2AddressRefusedException(Name, context.L1VmName, l2VmName, problems);
        }

        const string Operation = "New-NetIPAddress inside the L2 guest";
        var rows = await RunL2Async(l1VmId, l1Credential, l2VmName, l2Credential, "Apply", Operation, new()
        {
            ["InterfaceAlias"] = request.InterfaceAlias,
            ["IPAddress"] = request.IpAddress.Trim(),
            ["PrefixLength"] = request.PrefixLength,
            ["DefaultGateway"] = request.Gateway?.Trim() ?? "",
            ["DnsServer"] = request.DnsServer?.Trim() ?? "",
        }, cancellationToken).ConfigureAwait(false);
        var after = ReadL2Rows(context.L1VmName, l2VmName, rows);
        if (rows.FirstOrDefault(r => HostRows.KindOf(r) == "L2StepFailed") is { } failed)
        {
            var undo = HostRows.OptionalText(failed, "UndoFailures");
            var back = undo is null ? " The earlier addresses were put back." : $" Putting the earlier addresses back failed too: {undo}";
            throw new HostOperationException(HostErrorKind.HostRefused, Name, $"{HostRows.Text(failed, "Step")} inside L2 VM '{l2VmName}' (in '{context.L1VmName}')", HostRows.Text(failed, "Message") + back, l2VmName);
        }

        return after.L2 ?? throw NotRunning(after, Operation);
    }

    /// <inheritdoc />
    public async Task<L2ConnectivityReport> TestL2ConnectivityAsync(
        Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, L2ConnectivityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        const string Operation = "Test-NetConnection inside the L2 guest";
        var rows = await RunL2Async(l1VmId, l1Credential, l2VmName, l2Credential, "Test", Operation, new()
        {
            ["DefaultGateway"] = request.Gateway?.Trim() ?? "",
            ["DnsServer"] = request.DnsServer?.Trim() ?? "",
            ["Name"] = request.Name?.Trim() ?? "",
        }, cancellationToken).ConfigureAwait(false);
        var vmName = _vmNames.TryGetValue(l1VmId, out var known) ? known : l1VmId.ToString();
        var context = ReadL2Rows(vmName, l2VmName, rows);
        if (context.L2 is null)
        {
            throw NotRunning(context, Operation);
        }

        var hops = rows.Where(r => HostRows.KindOf(r) == "Hop")
            .Select(r => new L2HopReading(Enum.Parse<L2Hop>(HostRows.Text(r, "Hop")), HostRows.Text(r, "Target"), HostRows.Boolean(r, "Succeeded"), HostRows.OptionalText(r, "Said"), HostRows.OptionalText(r, "Address")))
            .ToList();
        return L2ConnectivityDiagnosis.Explain(context, hops);
    }

    private async Task<(L2NetworkContext Context, bool AddressAnswers)> ReadL2Async(
        Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, string? probe, CancellationToken cancellationToken)
    {
        var rows = await RunL2Async(l1VmId, l1Credential, l2VmName, l2Credential, "Read", "Get-NetIPAddress inside the L2 guest", new() { ["IPAddress"] = probe?.Trim() ?? "" }, cancellationToken).ConfigureAwait(false);
        var vmName = _vmNames.TryGetValue(l1VmId, out var known) ? known : l1VmId.ToString();
        var answers = rows.Any(r => HostRows.KindOf(r) == "AddressProbe" && HostRows.Boolean(r, "Answers"));
        return (ReadL2Rows(vmName, l2VmName, rows), answers);
    }

    private async Task<IReadOnlyList<PSObject>> RunL2Async(
        Guid l1VmId, GuestCredential l1Credential, string l2VmName, GuestCredential l2Credential, string action, string operation, Dictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(l2VmName);
        var vmName = await VmNameAsync(l1VmId, cancellationToken).ConfigureAwait(false);
        var what = $"Invoke-Command -VMId (into {vmName}) → Invoke-Command -VMName {l2VmName} ({operation})";
        parameters["L2VMName"] = l2VmName;
        parameters["L2Credential"] = ToPSCredential(l2Credential, l2VmName, what);
        parameters["Action"] = action;
        var rows = await RunInGuestAsync(HostScript.L2Networking, l1VmId, vmName, l1Credential, what, parameters, cancellationToken).ConfigureAwait(false);
        if (rows.FirstOrDefault(r => HostRows.KindOf(r) == "L2Failed") is { } failed)
        {
            var id = HostRows.Text(failed, "ErrorId");
            var kind = id.StartsWith("InvalidCredential", StringComparison.Ordinal) ? HostErrorKind.GuestAuthenticationFailed
                : id.StartsWith("InvalidVMState", StringComparison.Ordinal) ? HostErrorKind.InvalidVmState
                : HostErrorKind.HostRefused;
            var message = HostRows.Text(failed, "Message");
            throw new HostOperationException(kind, Name, what, kind == HostErrorKind.GuestAuthenticationFailed ? $"the L2 guest refused the credential (PowerShell Direct said: {message})" : message, l2VmName);
        }

        return rows;
    }

    private HostOperationException NotRunning(L2NetworkContext context, string operation) =>
        new(HostErrorKind.InvalidVmState, Name, operation, $"L2 VM '{context.L2VmName}' in '{context.L1VmName}' is {context.L2State}: PowerShell Direct reaches only a running VM.", context.L2VmName);

    /// <summary>The script's rows: the L1's adapters, NATs and addresses, the L2 VM and its switches, and the L2's addressing when it was reached.</summary>
    internal static L2NetworkContext ReadL2Rows(string l1VmName, string l2VmName, IEnumerable<PSObject> rows)
    {
        var l1Adapters = new List<L1AdapterSpoofing>();
        var nats = new List<GuestNat>();
        var l1Addresses = new List<GuestIPAddress>();
        var switches = new List<L2SwitchLink>();
        var addresses = new List<L2GuestAddress>();
        var gateways = new List<string>();
        var dns = new List<string>();
        var state = "unknown";
        var reached = false;
        foreach (var row in rows)
        {
            switch (HostRows.KindOf(row))
            {
                case "L1Adapter":
                    l1Adapters.Add(new(HostRows.Text(row, "Name"), HostRows.OptionalText(row, "SwitchName"), string.Equals(HostRows.Text(row, "MacAddressSpoofing"), "On", StringComparison.OrdinalIgnoreCase)));
                    break;
                case "L1Nat":
                    nats.Add(new GuestNat(HostRows.Text(row, "Name"), HostRows.OptionalText(row, "Prefix")));
                    break;
                case "L1Address":
                    l1Addresses.Add(new GuestIPAddress(HostRows.Text(row, "IPAddress"), HostRows.Int32(row, "PrefixLength"), HostRows.Text(row, "InterfaceAlias")));
                    break;
                case "L2Vm":
                    state = HostRows.Text(row, "State");
                    break;
                case "L2Adapter":
                    switches.Add(new L2SwitchLink(HostRows.Text(row, "Name"), HostRows.OptionalText(row, "SwitchName"), HostRows.OptionalText(row, "SwitchType")));
                    break;
                case "L2Address":
                    reached = true;
                    addresses.Add(new L2GuestAddress(HostRows.Text(row, "InterfaceAlias"), HostRows.Text(row, "IPAddress"), HostRows.Int32(row, "PrefixLength")));
                    break;
                case "L2Gateway":
                    reached = true;
                    gateways.Add(HostRows.Text(row, "NextHop"));
                    break;
                case "L2Dns":
                    reached = true;
                    dns.Add(HostRows.Text(row, "Server"));
                    break;
                case "L2Reached":
                    reached = true;
                    break;
                default:
                    break;
            }
        }

        var l2 = reached
            ? new L2GuestAddresses(l2VmName, addresses, [.. gateways.Distinct()], [.. dns.Distinct()])
            : null;
        return new L2NetworkContext(l1VmName, l2VmName, l1Adapters, nats, l1Addresses, state, switches, l2);
    }
}
