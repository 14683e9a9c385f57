using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.NestedSwitching;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.VirtualMachines;

namespace NestedHvDashboard.Web.L2Connectivity;

/// <summary>
/// The L2 guests behind one NAT of an L1 (listed over PowerShell Direct), each with the next free address of the plan: "Apply
/// addresses" (one or all, reviewed in <see cref="L2ApplyDialog"/>) and "Test connectivity". Behaviour is in
/// <see cref="L2ConnectivityService"/>; credentials typed here are kept for this visit, and remembered when asked.
/// </summary>
public sealed partial class L2AddressesPanel
{
    private readonly Dictionary<string, GuestCredential> _typed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, L2TestResult> _tests = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _now = new(StringComparer.OrdinalIgnoreCase);
    private List<L2Row>? _rows;
    private GuestCredential? _l1Credential;
    private IReadOnlyList<OperationStep> _steps = [];
    private OperationReport? _outcome;
    private L2ApplyResult? _applied;
    private string? _note;
    private string? _testName = "www.microsoft.com";
    private bool _busy;
    private bool _applying;
    private bool _canOperate;
    private bool _canAdminister;
    private Task<AuthenticationState>? _authorizedFor;

    [Inject]
    public required L2ConnectivityService L2 { get; init; }

    [Inject]
    public required NestedGuestReader Reader { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required IAuthorizationService Authorization { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The NAT the L2 guests are behind, with its switch, gateway and plan. Required.</summary>
    [Parameter, EditorRequired]
    public GuestNatView Nat { get; set; } = null!;

    /// <summary>The L1 guest's networking as last read. Required.</summary>
    [Parameter, EditorRequired]
    public GuestNetworkState State { get; set; } = null!;

    /// <summary>The L1's credential the guest card holds for this visit, or null. Default null.</summary>
    [Parameter]
    public GuestCredential? L1Credential { get; set; }

    /// <summary>The DNS server the card proposes for L2 guests, or null. Default null.</summary>
    [Parameter]
    public string? DnsServer { get; set; }

    private int PrefixLength => Ipv4Prefix.TryParse(Nat.Nat.InternalIPInterfaceAddressPrefix, out var prefix, out _) ? prefix.Length : 24;

    protected override async Task OnParametersSetAsync()
    {
        _l1Credential = L1Credential ?? _l1Credential;
        if (AuthenticationState is null || ReferenceEquals(AuthenticationState, _authorizedFor))
        {
            return;
        }

        _authorizedFor = AuthenticationState;
        var user = (await AuthenticationState).User;
        _canOperate = (await Authorization.AuthorizeAsync(user, DashboardPolicies.Operate)).Succeeded;
        _canAdminister = (await Authorization.AuthorizeAsync(user, DashboardPolicies.Administer)).Succeeded;
    }

    private string? Applied(string name) => _now.GetValueOrDefault(name);

    private static string HopName(L2Hop hop) => hop switch
    {
        L2Hop.Gateway => "Gateway",
        L2Hop.DnsServer => "DNS server",
        L2Hop.NameResolution => "Resolve",
        _ => "Reach",
    };

    // The L1's L2 VMs (Get-VM inside it), each with the next free address of the NAT's prefix, in order.
    private async Task ListAsync()
    {
        _busy = true;
        _note = null;
        try
        {
            var reading = await Reader.ReadAsync(await Actor.GetAsync(), Host, Vm, _l1Credential, AskL1Async);
            _l1Credential = reading.Credential ?? _l1Credential;
            if (!reading.Read)
            {
                _note = reading.Problem;
                return;
            }

            _rows = Plan([.. reading.Vms.Select(v => (v.Name, v.State.ToString()))]);
        }
        finally
        {
            _busy = false;
        }
    }

    private List<L2Row> Plan(IReadOnlyList<(string Name, string State)> vms)
    {
        if (!Ipv4Prefix.TryParse(Nat.Nat.InternalIPInterfaceAddressPrefix, out var prefix, out _) || !Ipv4Address.TryParse(Nat.Gateway, out var gateway, out _) || vms.Count == 0)
        {
            return [.. vms.Select(v => new L2Row(v.Name, v.State, ""))];
        }

        Ipv4Address? dns = Ipv4Address.TryParse(DnsServer, out var server, out _) ? server : null;
        var inUse = State.Addresses.Select(a => a.IPAddress).Concat(_now.Values.Select(v => v.Split('/')[0]));
        var plan = L2AddressPlan.Create(prefix, gateway, dns, inUse, vms.Count);
        return [.. vms.Select((v, i) => new L2Row(v.Name, v.State, plan.IsValid ? plan.Assignments[i].Address.ToString() : ""))];
    }

    private L2NetworkContext ContextOf(L2Row row) =>
        new(Vm.Name, row.Name, [], State.Nats, State.Addresses, row.State, [new L2SwitchLink("Network Adapter", Nat.SwitchName, "Internal")], null);

    private async Task<GuestCredential?> L1CredentialAsync()
    {
        if (_l1Credential is not null)
        {
            return _l1Credential;
        }

        var (credential, problem) = await Reader.CredentialAsync(await Actor.GetAsync(), Host, Vm, null, AskL1Async);
        _note = problem;
        return _l1Credential = credential;
    }

    private async Task<IReadOnlyList<string>> WithoutCredentialAsync(IEnumerable<L2Row> rows)
    {
        var missing = new List<string>();
        foreach (var row in rows)
        {
            if (!_typed.ContainsKey(row.Name) && !await L2.IsRememberedAsync(Host, Vm.Id, row.Name))
            {
                missing.Add(row.Name);
            }
        }

        return missing;
    }

    private async Task ReviewAsync(IReadOnlyList<L2Row> rows)
    {
        if (_busy || await L1CredentialAsync() is not { } l1)
        {
            return;
        }

        var parameters = new DialogParameters<L2ApplyDialog>
        {
            { d => d.Host, Host },
            { d => d.L1Name, Vm.Name },
            { d => d.L1Id, Vm.Id },
            { d => d.Rows, rows },
            { d => d.NatName, Nat.Nat.Name },
            { d => d.Prefix, Nat.Nat.InternalIPInterfaceAddressPrefix ?? "" },
            { d => d.Gateway, Nat.Gateway ?? "" },
            { d => d.DnsServer, DnsServer },
            { d => d.ContextOf, ContextOf },
            { d => d.NeedCredential, await WithoutCredentialAsync(rows) },
            { d => d.CanAdminister, _canAdminister },
        };
        var dialog = await Dialogs.ShowAsync<L2ApplyDialog>("Apply addresses", parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: List<L2AddressItem> chosen })
        {
            return;
        }

        var items = chosen.Select(i => i.Credential is null && _typed.TryGetValue(i.L2VmName, out var known) ? i with { Credential = known } : i).ToList();
        await ApplyAsync(l1, items);
    }

    private async Task ApplyAsync(GuestCredential l1, IReadOnlyList<L2AddressItem> items)
    {
        var log = new StepLog();
        log.Changed += () => _ = InvokeAsync(() =>
        {
            _steps = log.Steps;
            StateHasChanged();
        });
        (_busy, _applying, _outcome, _applied, _steps) = (true, true, null, null, []);
        StateHasChanged();
        try
        {
            var result = await L2.ApplyAsync(await Actor.GetAsync(), Host, Vm, l1, items, log);
            _applied = result;
            _steps = log.Steps;
            foreach (var item in result.Items)
            {
                var typed = items.First(i => i.L2VmName == item.L2VmName).Credential;
                if (item.Outcome == OperationOutcome.Succeeded && typed is not null)
                {
                    _typed[item.L2VmName] = typed;
                }

                if (item.Addresses is { } after && L2ConnectivityDiagnosis.AddressOf(after) is { } address)
                {
                    _now[item.L2VmName] = $"{address.IpAddress}/{address.PrefixLength}";
                }
            }

            _outcome = Report(result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _outcome = OperationReport.Crashed(ex);
        }
        finally
        {
            (_busy, _applying) = (false, false);
        }
    }

    private async Task TestAsync(L2Row row)
    {
        if (_busy || await L1CredentialAsync() is not { } l1)
        {
            return;
        }

        GuestCredential? typed = _typed.GetValueOrDefault(row.Name);
        var remember = false;
        if (typed is null && !await L2.IsRememberedAsync(Host, Vm.Id, row.Name))
        {
            if (await AskAsync(row.Name, null) is not { } answer)
            {
                return;
            }

            (typed, remember) = (answer.Credential, answer.Remember);
        }

        _busy = true;
        StateHasChanged();
        try
        {
            var request = new L2ConnectivityRequest(null, null, string.IsNullOrWhiteSpace(_testName) ? null : _testName.Trim());
            var result = await L2.TestAsync(await Actor.GetAsync(), Host, Vm, l1, row.Name, typed, remember, request);
            _tests[row.Name] = result;
            if (result.Report is not null && typed is not null)
            {
                _typed[row.Name] = typed;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private Task<GuestCredentialAnswer?> AskL1Async(string? problem) => AskAsync(Vm.Name, problem);

    private async Task<GuestCredentialAnswer?> AskAsync(string vmName, string? problem)
    {
        // Guest credentials are an Administrator's to enter, as on the guest card; anyone else works with those remembered.
        if (!_canAdminister)
        {
            _note = $"Only an Administrator can enter the credentials of VM '{vmName}'; ask one to sign in once with \"Remember\", and they are used from then on.";
            StateHasChanged();
            return null;
        }

        var parameters = new DialogParameters<GuestCredentialDialog> { { d => d.VmName, vmName }, { d => d.Problem, problem } };
        var dialog = await Dialogs.ShowAsync<GuestCredentialDialog>("Guest credentials", parameters);
        return await dialog.Result is { Canceled: false, Data: GuestCredentialAnswer given } ? given : null;
    }

    private static OperationReport Report(L2ApplyResult result)
    {
        var (severity, title) = result.Outcome switch
        {
            OperationOutcome.Succeeded => (Severity.Success, "Done"),
            OperationOutcome.Refused or OperationOutcome.Denied => (Severity.Warning, "Refused"),
            OperationOutcome.Busy => (Severity.Warning, "Busy"),
            _ => (Severity.Error, "Failed"),
        };
        return new OperationReport(severity, title, result.Message, result.HostMessage is { } said && !result.Message.Contains(said, StringComparison.Ordinal) ? said : null, false);
    }
}
